/** A stalled schedule that was retired: its finding resolves once its last run has left the analysis window. */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Sdk, type SpanSpec } from '../helpers/sdk.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
/** `backup` ran every hour for 30 hours, and last started 17 days ago. */
const lastBackupStart = NOW - 17 * DAY;

function pipeline(name: string, runId: string, startMs: number): SpanSpec {
  return {
    name: `RUN ${name}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs: startMs + 60_000,
    attributes: { 'cicd.pipeline.name': name, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'success' },
    children: [{ name: 'copy', startMs: startMs + 1_000, endMs: startMs + 59_000, attributes: { 'cicd.pipeline.task.name': 'copy', 'cicd.pipeline.task.run.result': 'success' } }],
  };
}

describe('a retired schedule', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let ingest = 0;
  const runIngest = async (untilMs: number) => {
    for (let i = 0; i < 12; i++) await sdk.emit(pipeline('ingest', `ingest-${ingest++}`, untilMs - (12 - i) * 20 * 60_000));
  };

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner' }, { batch: true });
  }, 60_000);
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  it('is stalled while its runs are in the window, and resolved once they have all left it', async () => {
    for (let i = 0; i < 30; i++) await sdk.emit(pipeline('backup', `backup-${i}`, lastBackupStart - (29 - i) * HOUR));
    // Another workflow moves event time on: a day after backup's last run, then past the 14-day window.
    await runIngest(lastBackupStart + DAY);
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const [stalled] = (await agent.get('/api/v1/findings?workflow=backup&kind=stalled')).body.items;
    expect(stalled, 'backup is found stalled').toMatchObject({ status: 'open' });
    await runIngest(NOW);
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const after = (await agent.get(`/api/v1/findings/${stalled.id}`)).body;
    expect(after.status).toBe('resolved');
    // Not by a run that ended after it began: none did.
    expect(after.evidence.resolution).toBe('Condition cleared: no run of it is left in analysis.window (14d): it retired; resolved automatically.');
  }, 120_000);
});
