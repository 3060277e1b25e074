/**
 * A finding's example runs as the API serves them: the runner's run id, the run's own workflow, its status and
 * start, read in one store call per answer, so that a client shows and links them without asking for each run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Finding, FindingCandidate } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { hourlyRun } from '../helpers/hourly-runs.js';
import { writeSpans } from '../helpers/store.js';
import { flowlens } from '../cli/io.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

interface ExampleRun {
  id: string;
  runId: string;
  workflow: string;
  status: string;
  startTime: string;
}
type Served = Finding & { exampleRuns: ExampleRun[] };

describe("a finding's example runs", () => {
  let agent: TestAgent;
  let failing: Served;

  beforeAll(async () => {
    agent = await startTestAgent();
    // Two weeks of hourly runs of each; `etl`'s runs 300–319 fail the same way.
    writeSpans(agent.store, [
      ...Array.from({ length: 320 }, (_, i) => hourlyRun('etl', i, T0, i >= 300)),
      ...Array.from({ length: 20 }, (_, i) => hourlyRun('billing', i, T0)),
    ]);
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const items: Served[] = (await agent.get('/api/v1/findings?limit=1000')).body.items;
    failing = items.find((f) => f.workflow === 'etl' && f.evidence.exampleRunIds.length > 0)!;
    expect(failing, JSON.stringify(items.map((f) => f.title))).toBeDefined();
  });
  afterAll(() => agent.close());

  it('name each run as its runner does, with its workflow, status and start, in the order of exampleRunIds', async () => {
    expect(failing.exampleRuns.map((r) => r.id)).toEqual(failing.evidence.exampleRunIds);
    for (const example of failing.exampleRuns) {
      const run = (await agent.get(`/api/v1/runs/${example.id}`)).body;
      expect(example).toEqual({ id: run.id, runId: run.runId, workflow: 'etl', status: 'failure', startTime: run.startTime });
      expect(example.runId).toMatch(/^etl-3[01]\d$/);
    }
    // The finding alone, and as acknowledging it answers, carries them too.
    expect((await agent.get(`/api/v1/findings/${failing.id}`)).body.exampleRuns).toEqual(failing.exampleRuns);
    expect((await agent.post(`/api/v1/findings/${failing.id}/acknowledge`, { by: 'alice' })).body.exampleRuns).toEqual(failing.exampleRuns);
  });

  it("link each run of a finding of several workflows to its own workflow, leave out those no longer stored, and read them once per answer", async () => {
    const [billingRun] = agent.store.runs({ workflow: 'billing', fromMs: T0, toMs: T0 + 20 * HOUR, limit: 1 });
    const etlRun = failing.exampleRuns[0]!;
    const shared: FindingCandidate = {
      fingerprint: 'correlation|etl,billing|warehouse-db',
      kind: 'correlation',
      workflow: 'etl',
      workflows: ['etl', 'billing'],
      severity: 'high',
      category: 'connectivity',
      confidence: 0.8,
      title: '`etl` and `billing` fail reaching warehouse-db',
      summary: 'Both fail with "connection refused".',
      rootCause: { step: 'load', attributes: { 'server.address': 'warehouse-db' }, description: 'warehouse-db refuses connections.' },
      evidence: {
        baseline: {},
        current: {},
        affectedRuns: 3,
        totalRuns: 40,
        // The last one's run was pruned since.
        exampleRunIds: [billingRun!.id, etlRun.id, 'f'.repeat(32)],
        errorLines: ['connection refused: warehouse-db:5432'],
      },
      recommendations: [],
      firstSeenMs: T0 + 300 * HOUR,
      lastSeenMs: T0 + 319 * HOUR,
    };
    agent.store.applyFindings([shared], T0 + 320 * HOUR, () => false);
    const read = vi.spyOn(agent.store, 'runsByIds');
    const one = vi.spyOn(agent.store, 'run');
    try {
      const items: Served[] = (await agent.get('/api/v1/findings?limit=1000')).body.items;
      expect(items.length).toBeGreaterThan(1);
      expect([read.mock.calls.length, one.mock.calls.length]).toEqual([1, 0]);
      const listed = items.find((f) => f.fingerprint === shared.fingerprint)!;
      expect(listed.exampleRuns).toEqual([
        { id: billingRun!.id, runId: billingRun!.runId, workflow: 'billing', status: 'success', startTime: new Date(billingRun!.startMs).toISOString() },
        etlRun,
      ]);
      expect(listed.evidence.exampleRunIds).toEqual(shared.evidence.exampleRunIds);
      // Findings like another one carry theirs as well.
      const similar: Served[] = (await agent.get(`/api/v1/findings/${failing.id}/similar`)).body.items;
      expect(similar.find((f) => f.id === listed.id)?.exampleRuns).toEqual(listed.exampleRuns);
    } finally {
      read.mockRestore();
      one.mockRestore();
    }
  });

  it('show in `flowlens findings` by their runner run id, workflow, status and start', async () => {
    const { code, stdout } = await flowlens(['findings', '--url', agent.apiUrl, '--workflow', 'etl']);
    expect(code).toBe(0);
    const [example] = failing.exampleRuns;
    const started = example!.startTime.slice(0, 16).replace('T', ' ');
    expect(stdout).toContain(`\n  run: ${example!.runId} of etl (failure, started ${started} UTC)\n`);
    expect(stdout).not.toContain(example!.id);
  });

  it('are documented in the OpenAPI document', async () => {
    const { components } = (await agent.get('/api/v1/openapi.json')).body;
    expect(components.schemas.Finding.properties.exampleRuns.items).toEqual({ $ref: '#/components/schemas/ExampleRun' });
    expect(Object.keys(components.schemas.ExampleRun.properties)).toEqual(['id', 'runId', 'workflow', 'status', 'startTime']);
  });
});

it("`flowlens findings` names an older agent's example run by the id it gives", async () => {
  const finding = {
    id: 'f-1',
    kind: 'flaky',
    severity: 'low',
    status: 'open',
    workflow: 'etl',
    title: 'etl is flaky',
    firstSeen: '2026-11-01T00:00:00Z',
    lastSeen: '2026-11-02T00:00:00Z',
    rootCause: { attributes: {}, description: 'retries' },
    evidence: { affectedRuns: 1, totalRuns: 9, exampleRunIds: ['a'.repeat(32)] },
    recommendations: [],
  };
  const older = createServer((_, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ items: [finding] })));
  await new Promise<void>((listening) => older.listen(0, '127.0.0.1', listening));
  try {
    const { stdout } = await flowlens(['findings', '--url', `http://127.0.0.1:${(older.address() as AddressInfo).port}`]);
    expect(stdout).toContain(`\n  run: ${'a'.repeat(32)}\n`);
  } finally {
    older.close();
  }
});
