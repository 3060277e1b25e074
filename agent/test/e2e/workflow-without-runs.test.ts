/**
 * A workflow whose runs are all gone (retention) while a finding of it is still open: the list shows it, so its
 * page, health and runs answer too, with no runs, rather than a dead link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingCandidate } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk } from '../helpers/sdk.js';

const candidate: FindingCandidate = {
  fingerprint: 'error_pattern|gone|t1',
  kind: 'error_pattern',
  workflow: 'gone',
  severity: 'high',
  category: 'logic',
  confidence: 0.8,
  title: '`gone` fails: boom',
  summary: '`gone` has failed 5 times with "boom".',
  rootCause: { attributes: {}, description: 'Runs fail with "boom".' },
  evidence: { baseline: {}, current: {}, affectedRuns: 5, totalRuns: 5, exampleRunIds: [], errorLines: ['boom'] },
  recommendations: [{ title: 'Fix it', steps: ['Fix the code.'] }],
  firstSeenMs: Date.now() - 3_600_000,
  lastSeenMs: Date.now() - 1_800_000,
};

describe('a workflow known only by its open finding', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent();
    agent.store.applyFindings([candidate], Date.now(), () => false);
  });
  afterAll(() => agent.close());

  it('is listed, and its page, health and runs answer with no runs', async () => {
    const listed = (await agent.get('/api/v1/workflows')).body.items.map((w: { name: string }) => w.name);
    expect(listed).toContain('gone');
    const page = await agent.get('/api/v1/workflows/gone');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ name: 'gone', runs: 0, openFindings: { high: 1 } });
    expect((await agent.get('/api/v1/workflows/gone/health')).status).toBe(200);
    const runs = await agent.get('/api/v1/workflows/gone/runs');
    expect([runs.status, runs.body.items]).toEqual([200, []]);
    expect((await agent.get('/api/v1/workflows/never-seen')).status).toBe(404);
  });

  it("names the runner of a workflow's runs on its page for a range before them", async () => {
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci' });
    await sdk.emit({
      name: 'run nightly',
      startMs: Date.now() - 600_000,
      endMs: Date.now() - 540_000,
      attributes: { 'cicd.pipeline.name': 'nightly', 'cicd.pipeline.run.id': 'n-1', 'cicd.pipeline.result': 'success' },
    });
    await sdk.shutdown();
    const now = (await agent.get('/api/v1/workflows/nightly')).body;
    expect(now).toMatchObject({ runs: 1, runner: 'cicd' });
    expect((await agent.get('/api/v1/workflows/nightly?from=now-60d&to=now-50d')).body).toMatchObject({ runs: 0, runner: 'cicd' });
  });
});
