/**
 * "What changed since it last worked?": runs of a CI/CD pipeline sent by the real SDK exporter, one failing after a
 * release. The comparison names the release, the step that failed with its error and the service it now fails to
 * reach, the steps that got slower, and the step that no longer ran and the one that is new.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type SpanSpec } from '../helpers/sdk.js';

const MIN = 60_000;
const BASE = Date.now() - 3 * 3_600_000;

interface Task {
  name: string;
  seconds: number;
  error?: string;
  calls?: { host: string; error?: boolean }[];
}

function span(task: Task, startMs: number): SpanSpec {
  const endMs = startMs + task.seconds * 1_000;
  return {
    name: task.name,
    startMs,
    endMs,
    attributes: { 'cicd.pipeline.task.name': task.name, 'cicd.pipeline.task.run.result': task.error ? 'failure' : 'success' },
    ...(task.error && { error: { type: 'AssertionError', message: task.error } }),
    children: (task.calls ?? []).map((call) => ({
      name: 'GET',
      kind: SpanKind.CLIENT,
      startMs: startMs + 200,
      endMs: startMs + 700,
      attributes: { 'http.request.method': 'GET', 'server.address': call.host, 'http.response.status_code': call.error ? 503 : 200 },
      ...(call.error && { error: { type: 'HTTPError', message: '503 Service Unavailable' } }),
    })),
  };
}

describe('comparing a run with the last one that went well', () => {
  let agent: TestAgent;
  const runIds: Record<string, string> = {};

  /** Sends run `runNumber` of `workflow`, its tasks one after another from `startMs`, and finds its id. */
  async function send(runNumber: string, startMs: number, version: string, tasks: Task[], workflow = 'deploy'): Promise<void> {
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'service.version': version, 'host.name': 'build-1', 'cicd.pipeline.name': workflow });
    let at = startMs;
    const children = tasks.map((task) => {
      const child = span(task, at);
      at = child.endMs;
      return child;
    });
    const failed = tasks.some((t) => t.error);
    await sdk.emit({
      name: `RUN ${workflow}`,
      kind: SpanKind.SERVER,
      startMs,
      endMs: at,
      attributes: { 'cicd.pipeline.run.id': runNumber, 'cicd.pipeline.result': failed ? 'failure' : 'success' },
      children,
    });
    await sdk.shutdown();
    const runs = (await agent.get(`/api/v1/workflows/${workflow}/runs?from=now-1d&limit=100`)).body.items as { id: string; runId: string }[];
    runIds[runNumber] = runs.find((r) => r.runId === runNumber)!.id;
  }

  const good: Task[] = [
    { name: 'checkout', seconds: 1 },
    { name: 'build', seconds: 10 },
    { name: 'test', seconds: 20, calls: [{ host: 'registry.internal' }] },
    { name: 'publish', seconds: 2 },
  ];

  beforeAll(async () => {
    agent = await startTestAgent();
    await send('101', BASE, '1.4.1', good);
    await send('102', BASE + 30 * MIN, '1.4.2', good);
    await send('103', BASE + 60 * MIN, '1.5.0', [
      { name: 'checkout', seconds: 1 },
      { name: 'lint', seconds: 3 },
      { name: 'build', seconds: 40 },
      { name: 'test', seconds: 20, error: 'expected 200, got 503', calls: [{ host: 'registry.internal', error: true }, { host: 'payments.internal' }] },
    ]);
    // A later success must not serve as the failed run's baseline.
    await send('104', BASE + 90 * MIN, '1.4.2', good);
  });
  afterAll(() => agent.close());

  it('compares a failed run with the newest successful run before it', async () => {
    const { status, body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare`);
    expect(status).toBe(200);
    expect(body.run.runId).toBe('103');
    expect(body.baseline.runId).toBe('102');
    expect(body.baselineChoice).toBe('last-success');
    expect(body.status).toEqual({ from: 'success', to: 'failure' });
    expect(body.duration).toEqual({ fromSeconds: 33, toSeconds: 64, deltaSeconds: 31, ratio: 1.94 });
  });

  it('names the release, and leaves out what differs between any two runs', async () => {
    const { body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare`);
    expect(body.attributes).toEqual([{ key: 'service.version', from: '1.4.2', to: '1.5.0' }]);
  });

  it('lists the step that failed first, then the slower ones, then the new and the missing step', async () => {
    const { body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare`);
    const summary = body.steps.map((s: { change: string; path: string[]; name: string }) => [s.change, [...s.path, s.name].join(' › ')]);
    expect(summary).toEqual([
      ['failed', 'test'],
      ['slower', 'build'],
      ['added', 'lint'],
      ['missing', 'publish'],
    ]);
    expect(body.stepsCompared).toBe(3);
    expect(body.stepsChanged).toBe(4);

    const [test, build] = body.steps;
    // The step's error is its origin's: the call that failed under it.
    expect(test.errorMessage).toBe('HTTPError: 503 Service Unavailable');
    expect(test.from).toEqual({ status: 'success', durationSeconds: 20 });
    expect(test.to).toEqual({ status: 'failure', durationSeconds: 20 });
    expect(test.downstream).toEqual({ added: ['payments.internal'], removed: [], failing: ['registry.internal'] });
    expect(build).toMatchObject({ deltaSeconds: 30, ratio: 4, from: { durationSeconds: 10 }, to: { durationSeconds: 40 } });
    expect(body.steps[2]).not.toHaveProperty('from');
    expect(body.steps[3]).not.toHaveProperty('to');
    expect(body.steps[3].baselineStepId).toEqual(expect.any(String));
  });

  it('compares with the run asked for', async () => {
    const { body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare?with=${runIds['101']}`);
    expect(body.baselineChoice).toBe('given');
    expect(body.baseline.runId).toBe('101');
    expect(body.attributes).toEqual([{ key: 'service.version', from: '1.4.1', to: '1.5.0' }]);
  });

  it('says when there is nothing to compare with', async () => {
    const { status, body } = await agent.get(`/api/v1/runs/${runIds['101']}/compare`);
    expect(status).toBe(200);
    expect(body.baseline).toBeNull();
    expect(body.note).toBe('No successful run of `deploy` started in the 7 days before this run.');
  });

  it('finds nothing changed between two runs alike, passing over a failed run between them', async () => {
    const { body } = await agent.get(`/api/v1/runs/${runIds['104']}/compare`);
    expect(body.baseline.runId).toBe('102');
    expect(body).toMatchObject({ attributes: [], steps: [], stepsCompared: 4, stepsChanged: 0, duration: { deltaSeconds: 0, ratio: 1 } });
    expect(body).not.toHaveProperty('status');
  });

  it("lists the releases on the workflow's page, with the failures on either side", async () => {
    const { body } = await agent.get('/api/v1/workflows/deploy?from=now-1d');
    expect(body.changes.map((c: { key: string; from: string; to: string; firstRun: { runId: string } }) => [c.key, c.from, c.to, c.firstRun.runId])).toEqual([
      ['service.version', '1.5.0', '1.4.2', '104'],
      ['service.version', '1.4.2', '1.5.0', '103'],
      ['service.version', '1.4.1', '1.4.2', '102'],
    ]);
    expect(body.changes[1]).toMatchObject({
      firstRun: { id: runIds['103'] },
      before: { runs: 2, failed: 0, failureShare: 0 },
      after: { runs: 1, failed: 1, failureShare: 1 },
    });
  });

  it('answers 404 for an unknown run or baseline', async () => {
    expect((await agent.get('/api/v1/runs/nope/compare')).status).toBe(404);
    const { status, body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare?with=nope`);
    expect(status).toBe(404);
    expect(body.error.message).toBe('run "nope" not found');
  });

  it('refuses to compare a run with itself, saying so', async () => {
    const { status, body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare?with=${runIds['103']}`);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^with: a run compared with itself/);
  });

  it("refuses to compare a run with another workflow's, whose every step and attribute differs by its making", async () => {
    await send('201', BASE, '1.4.2', good, 'docs');
    const { status, body } = await agent.get(`/api/v1/runs/${runIds['103']}/compare?with=${runIds['201']}`);
    expect(status).toBe(400);
    expect(body.error.message).toBe(`with: run "${runIds['201']}" is of workflow \`docs\`, not \`deploy\`; name a run of the same workflow`);
  });
});
