/**
 * A run of hundreds of steps through the run API: everything by default, or its first and last steps and the
 * failed ones (with what encloses them) when the caller asks for fewer, as the Grafana app does.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-19T00:00:00Z');
const range = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 86_400_000).toISOString()}`;
const JOBS = 3;
const STEPS = 100;

/** Job `j`'s step `s` starts at j·STEPS + s seconds; job 2's step 80 fails, though job 2 itself reports success. */
function job(j: number): SpanSpec {
  const start = T0 + j * STEPS * 1_000;
  return {
    name: `job ${j}`,
    startMs: start,
    endMs: start + STEPS * 1_000,
    attributes: { 'cicd.pipeline.task.name': `job ${j}`, 'cicd.pipeline.task.run.result': 'success' },
    children: Array.from({ length: STEPS }, (_, s) => ({
      name: `job ${j} step ${s}`,
      startMs: start + s * 1_000 + 1,
      endMs: start + s * 1_000 + 900,
      attributes: { 'cicd.pipeline.task.name': `job ${j} step ${s}` },
      ...(j === 2 && s === 80 && { error: { type: 'Error', message: 'exit code 2' } }),
    })),
  };
}

describe('a run of hundreds of steps', () => {
  let agent: TestAgent;
  let id: string;
  beforeAll(async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'nightly', 'cicd.pipeline.run.id': '7' }, { batch: true });
    await sdk.emit({
      name: 'RUN nightly',
      kind: SpanKind.SERVER,
      startMs: T0,
      endMs: T0 + JOBS * STEPS * 1_000,
      attributes: { 'cicd.pipeline.result': 'failure' },
      children: Array.from({ length: JOBS }, (_, j) => job(j)),
    });
    await sdk.shutdown();
    id = ((await agent.get(`/api/v1/workflows/nightly/runs?${range}`)).body.items as { id: string }[])[0]!.id;
  });
  afterAll(() => agent.close());

  const detail = async (query = '') => {
    const response = await agent.get(`/api/v1/runs/${encodeURIComponent(id)}${query}`);
    expect(response.status).toBe(200);
    return response.body as { stepCount: number; steps: { name: string; status: string; parentId?: string }[]; errors: { step: string }[] };
  };

  it('lists every step by default', async () => {
    const run = await detail();
    expect(run.stepCount).toBe(JOBS * (STEPS + 1));
    expect(run.steps).toHaveLength(JOBS * (STEPS + 1));
    // Nothing of its trace was refused (see trace-limit.test.ts), so nothing says steps are missing.
    expect(run).not.toHaveProperty('spansRefused');
  });

  it('lists the first and the last steps asked for, and besides them the failed step and the jobs enclosing them', async () => {
    const run = await detail('?steps=20');
    expect(run.stepCount).toBe(JOBS * (STEPS + 1));
    const names = run.steps.map((s) => s.name);
    expect(names).toHaveLength(22);
    expect(names.slice(0, 10)).toEqual(['job 0', ...Array.from({ length: 9 }, (_, s) => `job 0 step ${s}`)]);
    expect(new Set(names.slice(10))).toEqual(
      new Set(['job 2', 'job 2 step 80', ...Array.from({ length: 10 }, (_, s) => `job 2 step ${90 + s}`)]),
    );
    const failed = run.steps.find((s) => s.name === 'job 2 step 80')!;
    expect(failed.status).toBe('failure');
    expect(run.steps.find((s) => s.name === 'job 2')!.status).toBe('success');
    // The run's errors still name the failed step.
    expect(run.errors.map((e) => e.step)).toEqual(['job 2 step 80']);
  });

  it('answers a limit that is not a positive whole number with a clear 400', async () => {
    for (const bad of ['0', '-1', '2.5', 'many']) {
      const response = await agent.get(`/api/v1/runs/${encodeURIComponent(id)}?steps=${bad}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.error.message, bad).toMatch(/steps/);
    }
  });
});
