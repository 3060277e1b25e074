/**
 * Temporal runs as its Go SDK traces them: the workflow id embeds the run's id on the run and on each activity. The
 * comparison of two runs tells the release that changed, not the ids that differ between any two runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRequest } from '../../src/demo/runner-spans.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { pipelineRun } from '../analyse/pipelines.js';

const MIN = 60_000;
const BASE = Date.now() - 3 * 3_600_000;

function temporalRun(n: number, version: string): RunRecord {
  const run = pipelineRun('payments-sync', n, BASE + (n - 380) * 10 * MIN, [{ name: 'charge', ms: 2_000 }, { name: 'settle', ms: 1_000 }], {
    'service.name': 'payments-worker',
    'service.version': version,
  });
  return { ...run, id: `temporal:payments-sync:${n}`, runner: 'temporal', runId: `payments-sync-${n}` };
}

describe('comparing Temporal runs', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent();
    const sent = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: traceRequest([temporalRun(380, '1.4.2'), temporalRun(383, '1.4.3')]),
    });
    expect(sent.status).toBe(200);
  });
  afterAll(() => agent.close());

  it('leaves the workflow ids derived from the run ids out of what changed, on the run and its steps', async () => {
    const runs = (await agent.get('/api/v1/workflows/payments-sync/runs?from=now-1d&limit=10')).body.items as { id: string; runId: string }[];
    const newer = runs.find((r) => r.runId === 'payments-sync-383')!;
    const { body } = await agent.get(`/api/v1/runs/${encodeURIComponent(newer.id)}/compare`);
    expect(body.baseline.runId).toBe('payments-sync-380');
    expect(body.attributes).toEqual([{ key: 'service.version', from: '1.4.2', to: '1.4.3' }]);
    expect(body.steps).toEqual([]);
    expect(body.summary).toEqual(['`service.version`: 1.4.2 → 1.4.3']);
  });
});
