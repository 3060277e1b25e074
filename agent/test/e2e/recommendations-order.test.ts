/**
 * `GET /api/v1/recommendations` puts first what matters most: a critical finding's advice before a high one's of
 * the same impact, whatever the workflows' names, and what nobody has taken up before what someone acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingCandidate, Severity } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const HOUR = 3_600_000;

/** A failure finding of `workflow` at `severity`, with two recommendations named after it. */
const failing = (workflow: string, severity: Severity): FindingCandidate => ({
  fingerprint: `error_pattern|${workflow}|denied`,
  kind: 'error_pattern',
  workflow,
  severity,
  category: 'permissions',
  confidence: 0.9,
  title: `${workflow} fails`,
  summary: 'Runs fail.',
  rootCause: { attributes: {}, description: 'Access denied.' },
  evidence: { baseline: {}, current: {}, affectedRuns: 3, totalRuns: 10, exampleRunIds: [], errorLines: [] },
  recommendations: [
    { title: `first for ${workflow}`, steps: [] },
    { title: `then for ${workflow}`, steps: [] },
  ],
  firstSeenMs: HOUR,
  lastSeenMs: 2 * HOUR,
});

describe('recommendations, in the order to act on them', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent();
    agent.store.applyFindings(
      [failing('alpha-etl', 'high'), failing('billing', 'critical'), failing('crm-sync', 'critical'), failing('zeta-deploy', 'critical')],
      Date.now(),
      () => false,
    );
    const billing = agent.store.findings({ workflow: 'billing', limit: 1 })[0]!;
    expect((await agent.post(`/api/v1/findings/${billing.id}/acknowledge`, { by: 'ops', note: 'rotating the key' })).status).toBe(200);
  });
  afterAll(() => agent.close());

  it('gives the critical findings first, those nobody took up before the acknowledged one, each in its own order', async () => {
    const items = (await agent.get('/api/v1/recommendations')).body.items as { title: string; severity: string; status: string }[];
    expect(items.map((i) => i.title)).toEqual([
      'first for crm-sync', 'then for crm-sync',
      'first for zeta-deploy', 'then for zeta-deploy',
      'first for billing', 'then for billing',
      'first for alpha-etl', 'then for alpha-etl',
    ]);
    expect(items[4]).toMatchObject({ severity: 'critical', status: 'acknowledged' });
  });
});
