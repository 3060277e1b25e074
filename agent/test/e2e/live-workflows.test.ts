/**
 * What `flowlens status` and the workflow list show of workflows that did not run in the range (a stalled one),
 * of findings someone acknowledged, and of health too new to judge: through a real agent, its API and the CLI.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Sdk, type SpanSpec } from '../helpers/sdk.js';
import { flowlens } from '../cli/io.js';

const HOUR = 3_600_000;
const NOW = Date.now();
/** backup-hourly ran every hour for 30 hours, and last started 31 hours ago. */
const BACKUP_RUNS = 30;
const lastBackupStart = NOW - 31 * HOUR;

function pipeline(name: string, runId: string, startMs: number, durationMs: number): SpanSpec {
  return {
    name: `RUN ${name}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs: startMs + durationMs,
    attributes: { 'cicd.pipeline.name': name, 'cicd.pipeline.run.id': runId, 'cicd.pipeline.result': 'success' },
    children: [{ name: 'copy', startMs: startMs + 1_000, endMs: startMs + durationMs - 1_000, attributes: { 'cicd.pipeline.task.name': 'copy', 'cicd.pipeline.task.run.result': 'success' } }],
  };
}

describe('workflows without runs in the range, acknowledged findings and unknown health', () => {
  let agent: TestAgent;
  let sdk: Sdk;
  let stalled: { id: string; severity: string; title: string };

  beforeAll(async () => {
    agent = await startTestAgent();
    sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner' }, { batch: true });
    for (let i = 0; i < BACKUP_RUNS; i++) {
      await sdk.emit(pipeline('backup-hourly', `backup-hourly-${i}`, lastBackupStart - (BACKUP_RUNS - 1 - i) * HOUR, 5 * 60_000));
    }
    // Another workflow keeps running, so the agent's event time is now; `rare` has run twice, too few to judge.
    for (let i = 0; i < 12; i++) await sdk.emit(pipeline('ingest', `ingest-${i}`, NOW - (12 - i) * 20 * 60_000, 60_000));
    for (let i = 0; i < 2; i++) await sdk.emit(pipeline('rare', `rare-${i}`, NOW - (2 - i) * 20 * 60_000, 60_000));
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    [stalled] = (await agent.get('/api/v1/findings?workflow=backup-hourly&kind=stalled')).body.items;
    expect(stalled, 'backup-hourly is found stalled').toBeDefined();
  }, 120_000);
  afterAll(async () => {
    await sdk.shutdown();
    await agent.close();
  });

  it('lists a stalled workflow in any range, with no runs in it, the runner and time of its last run, and its finding', async () => {
    for (const from of ['now-6h', 'now-1h', 'now-24h']) {
      const { items } = (await agent.get(`/api/v1/workflows?from=${from}`)).body;
      const backup = items.find((w: { name: string }) => w.name === 'backup-hourly');
      expect(backup, `listed from ${from}`).toMatchObject({
        runner: 'cicd',
        runs: 0,
        failedRuns: 0,
        successRate: null,
        lastRunAt: new Date(lastBackupStart + 5 * 60_000).toISOString(),
        openFindings: { [stalled.severity]: 1 },
        sparkline: { runs: Array(24).fill(0), failures: Array(24).fill(0) },
      });
    }
    const { stdout, code } = await flowlens(['status', '--from', 'now-6h', '--url', agent.apiUrl]);
    expect(code).toBe(0);
    const row = stdout.split('\n').find((line) => line.startsWith('backup-hourly '));
    expect(row).toMatch(new RegExp(`^backup-hourly\\s+cicd\\s+\\S+ \\S+\\s+0\\s+0\\s+–\\s+1 ${stalled.severity}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`));
  });

  it("names a quiet workflow's runner from its newest run on its own page", async () => {
    const page = (await agent.get('/api/v1/workflows/backup-hourly?from=now-6h')).body;
    expect(page).toMatchObject({ name: 'backup-hourly', runner: 'cicd', runs: 0, steps: [] });
  });

  it('lists an acknowledged finding where `flowlens status` counts it, marked as acknowledged', async () => {
    expect((await agent.post(`/api/v1/findings/${stalled.id}/acknowledge`, { by: 'alice' })).status).toBe(200);
    const status = await flowlens(['status', '--from', 'now-6h', '--url', agent.apiUrl]);
    expect(status.stdout).toMatch(new RegExp(`^backup-hourly .* 1 ${stalled.severity} `, 'm'));
    const findings = await flowlens(['findings', '--workflow', 'backup-hourly', '--url', agent.apiUrl]);
    expect(findings.code).toBe(0);
    const lines = findings.stdout.split('\n');
    expect(lines[0]).toBe(`[${stalled.severity}, acknowledged] ${stalled.title}`);
    expect(lines[1]).toContain(' · backup-hourly · acknowledged by alice · ');
    // Asked for the open ones only, it says there is none, in the same words.
    const open = await flowlens(['findings', '--workflow', 'backup-hourly', '--status', 'open', '--url', agent.apiUrl]);
    expect(open.stdout).toBe('No open finding matches these filters.\n');
    expect((await flowlens(['findings', '--workflow', 'rare', '--url', agent.apiUrl])).stdout).toBe('No open or acknowledged finding matches these filters.\n');
  });

  it('gives no score to a workflow too new to judge: null from the API, – in the CLI', async () => {
    expect((await agent.get('/api/v1/workflows/rare/health')).body).toEqual({ score: null, status: 'unknown', factors: [] });
    const { items } = (await agent.get('/api/v1/workflows')).body;
    expect(items.find((w: { name: string }) => w.name === 'rare').health).toEqual({ score: null, status: 'unknown' });
    expect((await agent.get('/api/v1/workflows/rare')).body.health).toEqual({ score: null, status: 'unknown' });
    const { stdout } = await flowlens(['status', '--url', agent.apiUrl]);
    expect(stdout).toMatch(/^rare\s+cicd\s+unknown –\s+2\s+0\s/m);
  });
});
