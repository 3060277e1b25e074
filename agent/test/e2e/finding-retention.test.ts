/**
 * Retention reaches findings and sessions: once a workflow's runs are past `storage.retention`, its open finding
 * resolves (no pass could ever clear it); a resolved finding and a troubleshooting session go once they are
 * older than the retention themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';
import { RetentionJob } from '../../src/service/retention.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const DAY = 86_400_000;
const now = Date.now();

/** A CI/CD pipeline run of `workflow`, failing with the same error when asked. */
const pipeline = (workflow: string, runId: string, startMs: number, failed: boolean): SpanSpec => ({
  name: `run ${workflow}`,
  startMs,
  endMs: startMs + 60_000,
  attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': failed ? 'failure' : 'success' },
  ...(failed && { error: { type: 'DeployError', message: 'connection refused: warehouse-db:5432' } }),
});

describe('retention of findings and sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-finding-retention-'));
  let agent: TestAgent;
  let findingId: string;
  let sessionId: string;

  beforeAll(async () => {
    agent = await startTestAgent({ storage: { path: join(dir, 'flowlens.db'), retention: '7d' } });
    const sdk = createSdk('http/json', agent, { 'service.name': 'ci' });
    // A month ago: a workflow failing, then never heard from again.
    for (let i = 0; i < 12; i++) await sdk.emit(pipeline('legacy-etl', `old-${i}`, now - 30 * DAY + i * 600_000, true));
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const findings = (await agent.get('/api/v1/findings?workflow=legacy-etl')).body.items;
    expect(findings.length).toBeGreaterThan(0);
    findingId = findings[0].id;
    expect((await agent.post(`/api/v1/findings/${findingId}/acknowledge`, { by: 'ops', note: 'looking' })).status).toBe(200);
    sessionId = (await agent.post('/api/v1/sessions', { workflow: 'legacy-etl' })).body.id;
    expect((await agent.get(`/api/v1/sessions/${sessionId}`)).status).toBe(200);
    // Today: other workflows run, so the month-old runs are past the retention.
    await sdk.emit(pipeline('nightly', 'today-1', now - 3_600_000, false));
    await sdk.shutdown();
    await new RetentionJob(agent.store, agent.config.storage.retention, createLogger('error')).runOnce();
  }, 60_000);
  afterAll(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves the finding of a workflow whose runs are all past retention, saying why", async () => {
    const finding = (await agent.get(`/api/v1/findings/${findingId}`)).body;
    expect(finding).toMatchObject({ status: 'resolved', resolvedBy: 'flowlens' });
    expect(finding.evidence.resolution).toMatch(/storage\.retention/);
    expect((await agent.get('/api/v1/findings?status=open')).body.items).toEqual([]);
  });

  it('keeps a session opened today on that workflow: it waits for runs after the fix, not the old ones', async () => {
    expect((await agent.get(`/api/v1/sessions/${sessionId}`)).status).toBe(200);
  });

  it('deletes a resolved finding and a session once they are older than the retention too', async () => {
    // A cut-off past the resolution and the session's opening, as retention reaches them a retention period later.
    while (agent.store.pruneChunk(Date.now() + 1) > 0);
    expect((await agent.get(`/api/v1/findings/${findingId}`)).status).toBe(404);
    expect((await agent.get(`/api/v1/sessions/${sessionId}`)).status).toBe(404);
  });
});
