import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/demo/simulator.js';
import type { Finding } from '../../src/model/finding.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/flowlens.js', import.meta.url));
const TOKEN = 'cli-test-token-0123456789';

/** The built CLI asking a real agent over its API, as an on-call engineer would from a terminal. */
describe('flowlens status, findings and compare', () => {
  let agent: TestAgent;
  let findings: (Finding & { exampleRuns: { runId: string; workflow: string; status: string; startTime: string }[] })[];
  const flowlens = (args: string[], env: Record<string, string> = {}) =>
    exec(process.execPath, [bin, ...args], { env: { ...process.env, FLOWLENS_URL: agent.apiUrl, ...env } }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    ) as Promise<{ code?: number; stdout: string; stderr: string }>;

  beforeAll(async () => {
    agent = await startTestAgent();
    await simulate({ otlpHttpUrl: agent.otlpHttpUrl!, endMs: Date.now(), days: 4, slices: 1, batchRuns: 200 });
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    findings = (await agent.get('/api/v1/findings?status=open&limit=100')).body.items;
  }, 240_000);
  afterAll(() => agent.close());

  it('lists the workflows worst first, as the API ranks them', async () => {
    const { code, stdout } = await flowlens(['status']);
    expect(code ?? 0).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WORKFLOW\s+RUNNER\s+HEALTH\s+RUNS\s+FAILED\s+P95\s+OPEN FINDINGS\s+LAST RUN$/);
    const listed = (await agent.get('/api/v1/workflows?from=now-24h&to=now')).body.items;
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(listed.map((w: { name: string }) => w.name));
    const worst = listed[0];
    expect(lines[1]).toContain(`${worst.health.status} ${Math.round(worst.health.score)}`);
    expect(lines[1]).toMatch(/\d+ (critical|high)/);
    // --json is the API's answer as it came.
    const json = JSON.parse((await flowlens(['status', '--json'])).stdout);
    expect(json.items.map((w: { name: string }) => w.name)).toEqual(listed.map((w: { name: string }) => w.name));
  });

  it('tells each open finding: what, since when, why, what to do, and a run to compare', async () => {
    const { stdout } = await flowlens(['findings', '--limit', '100']);
    const blocks = stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(findings.length);
    const [first] = findings;
    expect(blocks[0]!.split('\n')).toEqual([
      `[${first!.severity}] ${first!.title}`,
      expect.stringContaining(`${first!.kind} · ${(first!.workflows ?? [first!.workflow]).join(', ')} · open · since ${first!.firstSeen.slice(0, 16).replace('T', ' ')} UTC`),
      `  why: ${first!.rootCause.description}`,
      `  do:  ${first!.recommendations[0]!.title}`,
      // By the runner's run id, as the runner's UI shows it, not the agent's.
      ...first!.exampleRuns.slice(0, 1).map((r) => `  run: ${r.runId} of ${r.workflow} (${r.status}, started ${r.startTime.slice(0, 16).replace('T', ' ')} UTC)`),
      ...(first!.evidence.changes ? [`  compare: flowlens compare ${first!.evidence.changes.runId} --with ${first!.evidence.changes.baselineRunId}`] : []),
      `  id:  ${first!.id}`,
    ]);
    const flaky = await flowlens(['findings', '--kind', 'flaky', '--workflow', 'search-reindex']);
    expect(flaky.stdout).toMatch(/^\[medium\] Step `build-index` of `search-reindex` is flaky/);
    expect(flaky.stdout).toContain('do:  Quarantine and fix flaky step `build-index`');
    expect((await flowlens(['findings', '--kind', 'flaky', '--workflow', 'lint'])).stdout).toBe('No open or acknowledged finding matches these filters.\n');
  });

  it("compares a flaky step's failing run with the passing run of the same code, and a run with the last success", async () => {
    const flaky = findings.find((f) => f.kind === 'flaky')!;
    const { runId, baselineRunId } = flaky.evidence.changes!;
    const { stdout } = await flowlens(['compare', runId, '--with', baselineRunId]);
    const [head, against, ...lines] = stdout.trimEnd().split('\n');
    expect(head).toMatch(/^run search-reindex-\d+ of search-reindex \(failure, started \d{4}-\d\d-\d\d \d\d:\d\d UTC, /);
    expect(against).toMatch(/^against run search-reindex-\d+ of search-reindex \(success, /);
    expect(lines[0]).toMatch(/^ {2}- step build-index failed: ConcurrentModificationException/);
    const api = (await agent.get(`/api/v1/runs/${runId}/compare?with=${baselineRunId}`)).body;
    expect(lines).toEqual(api.summary.map((line: string) => `  - ${line.replaceAll('`', '')}`));
  });

  it('says what went wrong, in a line, with exit code 1 when the agent cannot answer and 2 on bad usage', async () => {
    const missing = await flowlens(['compare', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`flowlens compare: the agent answered 404: run "nope" not found (a runner's run id, as the Grafana app shows it, needs --workflow NAME)\n`);
    const port = await closedPort();
    const down = await flowlens(['status', '--url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`flowlens status: cannot reach the agent at http://127.0.0.1:${port} (ECONNREFUSED); is \`flowlens serve\` running there? (--url)\n`);
    // --url at something else that answers 200, such as Grafana's own pages.
    const page = createHttpServer((_, res) => res.end('<!doctype html><title>Grafana</title>'));
    await new Promise<void>((listening) => page.listen(0, '127.0.0.1', listening));
    try {
      const url = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
      const other = await flowlens(['findings', '--url', url]);
      expect(other.code).toBe(1);
      expect(other.stderr).toBe(`flowlens findings: ${url} answered something other than the FlowLens API's JSON; is --url the agent's API address?\n`);
    } finally {
      page.close();
    }
    const usage = await flowlens(['compare']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^flowlens compare: name the RUN to compare\n\nUsage: flowlens compare RUN/);
    expect((await flowlens(['findings', '--colour'])).code).toBe(2);
  });

  it('sends the API token it is given, and says when one is needed', async () => {
    const guarded = await startTestAgent({ auth: { apiTokens: [TOKEN] } });
    try {
      const refused = await flowlens(['status', '--url', guarded.apiUrl]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^flowlens status: the agent answered 401: .*\(--token\)\n$/);
      const allowed = await flowlens(['status', '--url', guarded.apiUrl], { FLOWLENS_API_TOKEN: TOKEN });
      expect(allowed.code ?? 0).toBe(0);
      expect(allowed.stdout).toBe('No workflow ran between now-24h and now.\n');
    } finally {
      await guarded.close();
    }
  });
});

/** A loopback port nothing listens on: one just given up. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}
