/**
 * A workflow's runs as the API, the CLI and the Grafana app show them: found by the runner's run id, filtered by
 * every failed status, a running run's missing attributes, errors at the step they began in, and step shares that
 * count nested steps once.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';
import { flowlens } from '../cli/io.js';

const MIN = 60_000;
const NOW = Date.now();
const T0 = NOW - 3 * 60 * MIN;
const FAILING = 'exit code 1: 3 tests failed';

const task = (name: string, startMs: number, endMs: number, failing = false, children: SpanSpec[] = []): SpanSpec => ({
  name,
  startMs,
  endMs,
  attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': failing ? 'failure' : 'success' },
  ...(failing && { error: { type: 'Error', message: FAILING } }),
  children,
});

/** Run `i` of `deploy`: job `build` holding step `npm test` (2 of its 4 minutes), then `publish` (1 minute). */
function deployRun(i: number, result: string): SpanSpec {
  const start = T0 + i * 10 * MIN;
  const failing = result === 'failure';
  return {
    name: 'RUN deploy',
    kind: SpanKind.SERVER,
    startMs: start,
    endMs: start + 5 * MIN,
    // The run span's own attribute: it arrives with the run span, when the run ends.
    attributes: { 'cicd.pipeline.result': result, 'deploy.region': 'eu' },
    children: [
      task('build', start, start + 4 * MIN, failing, [task('npm test', start + MIN, start + 3 * MIN, failing)]),
      task('publish', start + 4 * MIN, start + 5 * MIN),
    ],
  };
}

const RESULTS = ['success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'failure', 'error', 'timeout'];

describe("a workflow's runs", () => {
  let agent: TestAgent;
  let running: { end(): Promise<void> };
  const idOf = async (workflow: string, runId: string) =>
    ((await agent.get(`/api/v1/workflows/${workflow}/runs?from=now-1d`)).body.items as { id: string; runId: string }[]).find((r) => r.runId === runId)!.id;

  beforeAll(async () => {
    agent = await startTestAgent();
    // The CI/CD conventions with the run on the resource: a run's tasks place it before its run span arrives.
    const sdkOf = (runId: string, workflow = 'deploy', resource: Record<string, string> = {}) =>
      createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': runId, ...resource });
    for (const [i, result] of RESULTS.entries()) {
      const sdk = sdkOf(String(100 + i));
      await sdk.emit(deployRun(i, result));
      await sdk.shutdown();
    }
    const last = sdkOf(String(100 + RESULTS.length));
    running = await last.begin(deployRun(RESULTS.length, 'success'));
    // Run 200 of `release` twice: in staging, and in production.
    for (const deployment of ['staging', 'production']) {
      const sdk = sdkOf('200', 'release', { 'deployment.environment.name': deployment });
      await sdk.emit({ ...deployRun(0, 'success'), name: 'RUN release' });
      await sdk.shutdown();
    }
  }, 60_000);
  afterAll(async () => {
    await running.end();
    await agent.close();
  });

  it("compares runs named by the runner's run id, as the app shows them, given the workflow", async () => {
    const compared = await flowlens(['compare', '108', '--workflow', 'deploy', '--url', agent.apiUrl]);
    expect(compared.code).toBe(0);
    const [head, against, first] = compared.stdout.split('\n');
    expect(head).toMatch(/^run 108 of deploy \(failure, started /);
    expect(against).toMatch(/^against run 107 of deploy \(success, /);
    expect(first).toMatch(/^ {2}- step build failed: .*3 tests failed/);
    // --with takes the runner's run id too, looked up in the run's workflow.
    const given = await flowlens(['compare', await idOf('deploy', '108'), '--with', '103', '--url', agent.apiUrl]);
    expect(given.stdout.split('\n')[1]).toMatch(/^against run 103 of deploy \(success, /);
    const api = await agent.get('/api/v1/runs/108/compare?workflow=deploy');
    expect(api.body.baseline.runId).toBe('107');
  });

  it("says what a runner's run id needs, and which runs one names twice", async () => {
    const bare = await flowlens(['compare', '108', '--url', agent.apiUrl]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toBe(`flowlens compare: the agent answered 404: run "108" not found (a runner's run id, as the Grafana app shows it, needs --workflow NAME)\n`);
    const ids = ((await agent.get('/api/v1/workflows/release/runs?from=now-1d')).body.items as { id: string }[]).map((r) => r.id);
    expect(ids).toHaveLength(2);
    const twice = await flowlens(['compare', '200', '--workflow', 'release', '--url', agent.apiUrl]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^flowlens compare: the agent answered 400: id: "200" is the run id of several runs of "release": \w+ \(started [^)]+\), \w+ \(started [^)]+\); name one by its id\n$/);
    for (const id of ids) expect(twice.stderr).toContain(id);
  });

  it('lists the runs that failed in every way together: failure, error and timeout', async () => {
    const failed = await agent.get('/api/v1/workflows/deploy/runs?from=now-1d&status=failure,error,timeout');
    expect(failed.body.items.map((r: { runId: string; status: string }) => [r.runId, r.status])).toEqual([
      ['110', 'timeout'],
      ['109', 'error'],
      ['108', 'failure'],
    ]);
    const spec = (await agent.get('/api/v1/openapi.json')).body;
    const status = spec.paths['/api/v1/workflows/{name}/runs'].get.parameters.find((p: { name: string }) => p.name === 'status');
    expect(status.schema).toMatchObject({ type: 'string', description: expect.stringContaining('several comma-separated') });
    const bad = await agent.get('/api/v1/workflows/deploy/runs?status=failure,failed');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^status: expected success, failure, .* not "failed"$/);
  });

  it("takes a running run's attributes that have not arrived yet for unknown, not for a change", async () => {
    const id = await idOf('deploy', '111');
    const page = (await agent.get('/api/v1/workflows/deploy?from=now-1d')).body;
    expect(page.changes.filter((c: { firstRun: { id: string } }) => c.firstRun.id === id)).toEqual([]);
    const compared = (await agent.get(`/api/v1/runs/${id}/compare`)).body;
    expect(compared.run.status).toBe('running');
    expect(compared.attributes.map((a: { key: string }) => a.key)).not.toContain('deploy.region');
    const cli = await flowlens(['compare', '111', '--workflow', 'deploy', '--url', agent.apiUrl]);
    // Its duration is its latest span's end: when it was last heard of, not how long it has been running.
    expect(cli.stdout).toMatch(/^run 111 of deploy \(running, started [^,]+, last heard of [\d.]+ \w+ in\)\n/);
    expect(cli.stdout).not.toContain('deploy.region');
  });

  it('lists an error once, at the step it began in, not again at the job that failed because of it', async () => {
    const run = (await agent.get(`/api/v1/runs/${await idOf('deploy', '108')}`)).body;
    expect(run.errors).toEqual([{ step: 'npm test', stepId: expect.any(String), type: 'Error', message: FAILING }]);
  });

  it('shares time among top-level steps and failures at the step they began in, so each adds up to 100 %', async () => {
    const steps = (await agent.get('/api/v1/workflows/deploy?from=now-1d')).body.steps as { name: string; failures: number; timeShare: number | null; failureShare: number }[];
    const byName = Object.fromEntries(steps.map((s) => [s.name, s]));
    // The job holds its step's time and failure: the step's are not counted again.
    expect(byName['npm test']).toMatchObject({ failures: 1, timeShare: null, failureShare: 1 });
    expect(byName['build']).toMatchObject({ failures: 1, timeShare: 0.8, failureShare: 0 });
    expect(byName['publish']).toMatchObject({ timeShare: 0.2, failureShare: 0 });
  });
});
