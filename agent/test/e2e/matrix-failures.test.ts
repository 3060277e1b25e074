/**
 * A GitHub Actions matrix runs the same steps in one job per version: when one version's tests fail, the finding
 * names the job as well as the step, as the run comparison does.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Sdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-19T00:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;
/** What the tests say when they fail, in each workflow. */
const FAILURES: Record<string, { type: string; message: string }> = {
  CI: { type: 'Error', message: 'FAIL src/date.test.ts > parses ISO weeks: expected 53 to be 52' },
  nightly: { type: 'Error', message: 'FAIL src/report.test.ts > renders totals: snapshot mismatch' },
};

/** Run `i` of `pipeline`: a job per Node version, each `Set up job` then `Run tests`; `failing` names the versions whose tests fail. */
function matrixRun(pipeline: string, i: number, failing: string[]): SpanSpec {
  const error = FAILURES[pipeline]!;
  const start = T0 + i * HOUR;
  const versions = ['18', '20', '22'];
  const job = (version: string, j: number): SpanSpec => {
    const from = start + j * 10 * MIN;
    const fails = failing.includes(version);
    return {
      name: `test (${version})`,
      startMs: from,
      endMs: from + 8 * MIN,
      attributes: { 'cicd.pipeline.task.name': `test (${version})`, 'cicd.pipeline.task.run.result': fails ? 'failure' : 'success' },
      ...(fails && { error }),
      children: [
        { name: 'Set up job', startMs: from, endMs: from + MIN, attributes: { 'cicd.pipeline.task.name': 'Set up job', 'cicd.pipeline.task.run.result': 'success' } },
        {
          name: 'Run tests',
          startMs: from + MIN,
          endMs: from + 8 * MIN,
          attributes: { 'cicd.pipeline.task.name': 'Run tests', 'cicd.pipeline.task.run.result': fails ? 'failure' : 'success' },
          ...(fails && { error }),
        },
      ],
    };
  };
  return {
    name: pipeline,
    kind: SpanKind.SERVER,
    startMs: start,
    endMs: start + 30 * MIN,
    attributes: { 'cicd.pipeline.name': pipeline, 'cicd.pipeline.run.id': String(7000 + i), 'github.run_id': String(7000 + i), 'cicd.pipeline.result': failing.length > 0 ? 'failure' : 'success' },
    children: versions.map(job),
  };
}

describe('a matrix job failing in one of its versions', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let findings: Finding[];

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'otel-cicd-action' });
    // 40 hourly runs of each; from run 30 the tests of `CI` fail on Node 18 (and once on Node 22 too), those of
    // `nightly` on every version.
    for (let i = 0; i < 40; i++) {
      await sdk.emit(matrixRun('CI', i, i < 30 ? [] : i === 36 ? ['18', '22'] : ['18']));
      await sdk.emit(matrixRun('nightly', i, i < 30 ? [] : ['18', '20', '22']));
    }
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    findings = (await agent.get('/api/v1/findings?limit=100')).body.items;
  }, 60_000);
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  const failing = (workflow: string) => findings.filter((f) => f.workflow === workflow && (f.kind === 'error_pattern' || f.kind === 'correlation'));

  it('names the job its failing step failed in, in the finding and its title', () => {
    const ci = failing('CI');
    expect(ci.map((f) => f.rootCause), JSON.stringify(findings.map((f) => f.title))).toEqual([
      expect.objectContaining({ step: 'Run tests', stepPath: ['test (18)'] }),
    ]);
    expect(ci[0]!.title).toContain('in step `Run tests` of `test (18)`');
    expect(ci[0]!.rootCause.description).toContain('in step `Run tests` of `test (18)`');
  });

  it('names no job when the step fails in every job', () => {
    const [finding, ...others] = failing('nightly');
    expect(others).toEqual([]);
    expect(finding!.rootCause).toMatchObject({ step: 'Run tests' });
    expect(finding!.rootCause.stepPath).toBeUndefined();
    expect(finding!.title).toContain('fails in step `Run tests`: ');
  });
});
