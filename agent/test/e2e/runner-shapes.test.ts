import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import { sampleValue } from '../helpers/metrics.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, pipelineOfTasks, type Protocol, type Sdk, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-19T00:00:00Z');
const MIN = 60_000;
const range = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 3 * 86_400_000).toISOString()}`;
const ERR = { type: 'Error', message: 'step failed: exit code 1' };

/** The agent's count of the workflow's failed runs, on /metrics. */
const failuresCounted = async (agent: TestAgent, workflow: string) =>
  sampleValue(await (await fetch(`${agent.apiUrl}/metrics`)).text(), 'flowlens_workflow_runs_total', `workflow="${workflow}"`, 'status="failure"') ?? 0;

/**
 * A failing run sent while it runs (`begun`): listed as running with steps `[name, status]` and not counted as
 * failed yet; once it ends, listed as failed under the same id and counted once.
 */
async function expectRunningThenFailed(agent: TestAgent, workflow: string, runId: string, steps: [string, string][], begun: { end(): Promise<void> }) {
  const runsOf = async () =>
    (await agent.get(`/api/v1/workflows/${workflow}/runs?${range}`)).body.items as { id: string; status: string; runId: string }[];
  const failures = () => failuresCounted(agent, workflow);
  const running = await runsOf();
  expect(running.map((r) => [r.runId, r.status])).toEqual([[runId, 'running']]);
  const listed = (await agent.get(`/api/v1/runs/${encodeURIComponent(running[0]!.id)}`)).body.steps as { name: string; status: string }[];
  expect(listed.map((s) => [s.name, s.status])).toEqual(steps);
  expect(await failures()).toBe(0);

  await begun.end();
  const ended = await runsOf();
  expect(ended.map((r) => [r.id, r.runId, r.status])).toEqual([[running[0]!.id, runId, 'failure']]);
  expect(await failures()).toBe(1);
}

/** A run of `n` minutes with two steps; the second fails when `fail`. */
interface Shape {
  name: string;
  protocol: Protocol;
  resource: Record<string, string>;
  run(i: number, start: number, fail: boolean): SpanSpec;
}

const steps = (start: number, fail: boolean, make: (name: string, s: number, e: number, failing: boolean) => SpanSpec): SpanSpec[] => [
  make('build', start + MIN, start + 4 * MIN, false),
  make('test', start + 4 * MIN, start + 9 * MIN, fail),
];

const SHAPES: Shape[] = [
  {
    name: 'deploy-service',
    protocol: 'http/protobuf',
    resource: { 'service.name': 'jenkins' },
    run: (i, start, fail) => ({
      name: 'BUILD deploy-service',
      kind: SpanKind.SERVER,
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { 'ci.pipeline.id': 'deploy-service', 'ci.pipeline.name': 'deploy-service', 'ci.pipeline.run.number': i, 'ci.pipeline.run.result': fail ? 'FAILURE' : 'SUCCESS' },
      children: steps(start, fail, (name, s, e, failing) => ({ name: `Stage: ${name}`, startMs: s, endMs: e, ...(failing && { error: ERR }) })),
    }),
  },
  {
    name: 'etl_daily',
    protocol: 'http/json',
    resource: { 'service.name': 'airflow' },
    run: (i, start, fail) => ({
      name: 'dag_run.etl_daily',
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { 'airflow.dag_id': 'etl_daily', 'airflow.dag_run.run_id': `scheduled__${i}` },
      ...(fail && { error: ERR }),
      children: steps(start, fail, (name, s, e, failing) => ({
        name: `task_run.${name}`,
        startMs: s,
        endMs: e,
        attributes: { 'airflow.task_id': name, 'airflow.dag_id': 'etl_daily', 'airflow.task_instance.state': failing ? 'failed' : 'success' },
        ...(failing && { error: ERR }),
      })),
    }),
  },
  {
    name: 'Sync CRM',
    protocol: 'grpc',
    resource: { 'service.name': 'n8n' },
    run: (i, start, fail) => ({
      name: 'workflow.execute',
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { 'n8n.workflow.name': 'Sync CRM', 'n8n.workflow.id': 'wf7', 'n8n.execution.id': String(1000 + i), 'n8n.execution.status': fail ? 'error' : 'success' },
      ...(fail && { error: ERR }),
      children: steps(start, fail, (name, s, e, failing) => ({ name: 'node.execute', startMs: s, endMs: e, attributes: { 'n8n.node.name': name }, ...(failing && { error: ERR }) })),
    }),
  },
  {
    name: 'CI',
    protocol: 'http/protobuf',
    resource: { 'service.name': 'otel-cicd-action' },
    run: (i, start, fail) => ({
      name: 'CI',
      kind: SpanKind.SERVER,
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { 'cicd.pipeline.name': 'CI', 'cicd.pipeline.run.id': String(9000 + i), 'github.run_id': String(9000 + i), 'cicd.pipeline.result': fail ? 'failure' : 'success' },
      children: steps(start, fail, (name, s, e, failing) => ({
        name,
        startMs: s,
        endMs: e,
        attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': failing ? 'failure' : 'success' },
        ...(failing && { error: ERR }),
      })),
    }),
  },
  {
    name: 'nightly-report',
    protocol: 'http/json',
    resource: { 'service.name': 'workflow-controller' },
    run: (i, start, fail) => ({
      name: 'workflow',
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { name: `nightly-report-${'bcdfghjklmnp'[i]}xz7k`, namespace: 'argo' },
      ...(fail && { error: { type: 'Error', message: 'Failed' } }),
      children: steps(start, fail, (name, s, e, failing) => ({
        name: 'node',
        startMs: s,
        endMs: e,
        attributes: { node_id: `nightly-report-${i}-${name}`, display_name: name, node_type: 'Pod' },
        ...(failing && { error: { type: 'Error', message: 'Failed' } }),
      })),
    }),
  },
  {
    name: 'process-orders',
    protocol: 'grpc',
    resource: { 'service.name': 'orders-svc' },
    run: (_i, start, fail) => ({
      name: 'process-orders',
      kind: SpanKind.SERVER,
      startMs: start,
      endMs: start + 10 * MIN,
      ...(fail && { error: ERR }),
      children: steps(start, fail, (name, s, e, failing) => ({ name, startMs: s, endMs: e, ...(failing && { error: ERR }) })),
    }),
  },
];

const RUNS = 12;
const failing = (i: number) => i % 4 === 1;

describe('every runner shape through the real SDK exporters, split into one request per span', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent();
    for (const shape of SHAPES) {
      const sdk = createSdk(shape.protocol, agent, shape.resource);
      for (let i = 0; i < RUNS; i++) await sdk.emit(shape.run(i, T0 + i * 3_600_000, failing(i)));
      await sdk.shutdown();
    }
  }, 120_000);
  afterAll(() => agent.close());

  it('finds each workflow under its natural name with exact run and failure counts', async () => {
    const items = (await agent.get(`/api/v1/workflows?${range}`)).body.items as { name: string; runs: number; failedRuns: number }[];
    const counts = Object.fromEntries(items.map((w) => [w.name, [w.runs, w.failedRuns]]));
    const expected = Object.fromEntries(SHAPES.map((s) => [s.name, [RUNS, Array.from({ length: RUNS }, (_, i) => i).filter(failing).length]]));
    expect(counts).toEqual(expected);
  });

  it('names the steps as their users do, with the failing one marked', async () => {
    for (const shape of SHAPES) {
      const detail = (await agent.get(`/api/v1/workflows/${encodeURIComponent(shape.name)}?${range}`)).body;
      expect(detail.steps.map((s: { name: string }) => s.name), shape.name).toEqual(['build', 'test']);
      expect(detail.steps[1].failures, shape.name).toBe(3);
    }
  });
});

describe('a CI/CD pipeline while it runs (its run span is sent when it ends)', () => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('is listed as running from its first finished task, then ends under the same id and is counted once', async () => {
    agent = await startTestAgent();
    // The conventions' CI/CD resource attributes: every span of the run carries the pipeline and run id.
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'release', 'cicd.pipeline.run.id': '501' });
    const task = (name: string, s: number, e: number, failing: boolean): SpanSpec => ({
      name,
      startMs: s,
      endMs: e,
      attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': failing ? 'failure' : 'success' },
      ...(failing && { error: ERR }),
      children: [{ name: `${name}.sh`, startMs: s + 1_000, endMs: e - 1_000 }],
    });
    const run = await sdk.begin({
      name: 'RUN release',
      kind: SpanKind.SERVER,
      startMs: T0,
      endMs: T0 + 10 * MIN,
      attributes: { 'cicd.pipeline.result': 'failure' },
      children: steps(T0, true, task),
    });
    await expectRunningThenFailed(agent, 'release', '501', [['build', 'success'], ['test', 'failure']], run);
    await sdk.shutdown();
  }, 60_000);
});

describe('a Temporal workflow while it runs (its RunWorkflow span is sent when it ends)', () => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('is listed as running under the type its client started, then ends under the same id and is counted once', async () => {
    agent = await startTestAgent();
    // The Go SDK's tracing interceptor: every span of the run carries the workflow and run id.
    const sdk = createSdk('grpc', agent, { 'service.name': 'order-worker' });
    const inRun = { temporalWorkflowID: 'order-42', temporalRunID: 'run-1' };
    const activity = (name: string, s: number, e: number, failing: boolean): SpanSpec => ({
      name: `StartActivity:${name}`,
      kind: SpanKind.CLIENT,
      startMs: s,
      endMs: s + 10,
      attributes: inRun,
      children: [{ name: `RunActivity:${name}`, kind: SpanKind.SERVER, startMs: s + 100, endMs: e, attributes: { ...inRun, temporalActivityID: name }, ...(failing && { error: ERR }) }],
    });
    const run = await sdk.begin(
      {
        name: 'StartWorkflow:OrderWorkflow',
        kind: SpanKind.CLIENT,
        startMs: T0,
        endMs: T0 + 50,
        attributes: { temporalWorkflowID: 'order-42' },
        children: [
          {
            name: 'RunWorkflow:OrderWorkflow',
            kind: SpanKind.SERVER,
            startMs: T0 + 100,
            endMs: T0 + 10 * MIN,
            attributes: inRun,
            error: ERR,
            children: [activity('ReserveStock', T0 + MIN, T0 + 2 * MIN, false), activity('ChargeCard', T0 + 3 * MIN, T0 + 4 * MIN, true)],
          },
        ],
      },
      (spec) => spec.name.startsWith('RunWorkflow:'),
    );
    await expectRunningThenFailed(agent, 'OrderWorkflow', 'run-1', [['ReserveStock', 'success'], ['ChargeCard', 'failure']], run);
    await sdk.shutdown();
  }, 60_000);
});

/** A workflow whose runs take 10 minutes, one step each; `running` picks the spans a run still running has not sent. */
interface SilentShape {
  label: string;
  workflow: string;
  step: string;
  runId: (i: number) => string;
  sdkOf: (agent: TestAgent, i: number) => Sdk;
  run: (i: number, start: number) => SpanSpec;
  running?: (spec: SpanSpec) => boolean;
}

const SILENT: SilentShape[] = [
  {
    label: 'a CI/CD pipeline run',
    workflow: 'nightly',
    step: 'build',
    runId: String,
    sdkOf: (agent, i) => createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'nightly', 'cicd.pipeline.run.id': String(i) }),
    run: (_i, start) => ({
      name: 'RUN nightly',
      kind: SpanKind.SERVER,
      startMs: start,
      endMs: start + 10 * MIN,
      attributes: { 'cicd.pipeline.result': 'success' },
      children: [{ name: 'build', startMs: start + MIN, endMs: start + 5 * MIN, attributes: { 'cicd.pipeline.task.name': 'build', 'cicd.pipeline.task.run.result': 'success' } }],
    }),
  },
  {
    label: 'a Temporal workflow run',
    workflow: 'OrderWorkflow',
    step: 'ChargeCard',
    runId: (i) => `run-${i}`,
    sdkOf: (agent) => createSdk('grpc', agent, { 'service.name': 'order-worker' }),
    run: (i, start) => {
      const inRun = { temporalWorkflowID: `order-${i}`, temporalRunID: `run-${i}` };
      return {
        name: 'StartWorkflow:OrderWorkflow',
        kind: SpanKind.CLIENT,
        startMs: start,
        endMs: start + 50,
        attributes: { temporalWorkflowID: `order-${i}` },
        children: [
          {
            name: 'RunWorkflow:OrderWorkflow',
            kind: SpanKind.SERVER,
            startMs: start + 100,
            endMs: start + 10 * MIN,
            attributes: inRun,
            children: [
              {
                name: 'StartActivity:ChargeCard',
                kind: SpanKind.CLIENT,
                startMs: start + MIN,
                endMs: start + MIN + 10,
                attributes: inRun,
                children: [{ name: 'RunActivity:ChargeCard', kind: SpanKind.SERVER, startMs: start + MIN + 100, endMs: start + 5 * MIN, attributes: inRun }],
              },
            ],
          },
        ],
      };
    },
    running: (spec) => spec.name.startsWith('RunWorkflow:'),
  },
];

describe.each(SILENT)('$label that went silent', (shape) => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('is reported hung once other runs move event time past its usual duration, and resolved once it has ended', async () => {
    agent = await startTestAgent();
    const emitRun = async (i: number, start: number) => {
      const sdk = shape.sdkOf(agent, i);
      await sdk.emit(shape.run(i, start));
      await sdk.shutdown();
    };
    for (let i = 0; i < 12; i++) await emitRun(i, T0 + i * 3_600_000);
    const silent = shape.sdkOf(agent, 12);
    const run = await silent.begin(shape.run(12, T0 + 12 * 3_600_000), shape.running);
    // Another workflow's run, two hours on: the store's event time moves on.
    const other = createSdk('http/protobuf', agent, { 'service.name': 'orders-svc' });
    await other.emit({ name: 'sync-orders', kind: SpanKind.SERVER, startMs: T0 + 14 * 3_600_000, endMs: T0 + 14 * 3_600_000 + MIN });

    const findings = `/api/v1/findings?workflow=${shape.workflow}&kind=stalled`;
    expect((await agent.post('/api/v1/analyze')).status).toBe(200);
    const hung = (await agent.get(findings)).body.items as { status: string; title: string; rootCause: { step?: string }; category: string }[];
    expect(hung.map((f) => [f.status, f.category, f.rootCause.step])).toEqual([['open', 'timeout', shape.step]]);
    expect(hung[0]!.title).toBe(`Run ${shape.runId(12)} of \`${shape.workflow}\` has been running for 2.0 h (usually done within 10.0 min)`);

    const statuses = async () => {
      expect((await agent.post('/api/v1/analyze')).status).toBe(200);
      return ((await agent.get(findings)).body.items as { status: string }[]).map((f) => f.status);
    };
    // A later run does not settle the silent one: still hung.
    await emitRun(13, T0 + 15 * 3_600_000);
    expect(await statuses()).toEqual(['open']);
    // Its run span arrives at last, and the next run ends after the finding was last seen.
    await run.end();
    await emitRun(14, T0 + 16 * 3_600_000);
    expect(await statuses()).toEqual(['resolved']);
    await Promise.all([silent.shutdown(), other.shutdown()]);
  }, 60_000);
});

describe('a long pipeline exported as it goes (more spans than a trace is re-derived on every part for)', () => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('is listed with every step soon after its last span, and its late failure is counted once', async () => {
    agent = await startTestAgent();
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'backfill', 'cicd.pipeline.run.id': '9' }, { batch: true });
    const TASKS = LARGE_TRACE_SPANS + 100;
    const runOf = async () => {
      const [run] = (await agent.get(`/api/v1/workflows/backfill/runs?${range}`)).body.items as { id: string; status: string }[];
      return run && { ...run, steps: (await agent.get(`/api/v1/runs/${encodeURIComponent(run.id)}`)).body.steps.length as number };
    };
    const failures = () => failuresCounted(agent, 'backfill');

    const run = await sdk.begin(pipelineOfTasks('backfill', T0, TASKS, 'failure', (i) => `partition ${i}`));
    await expect.poll(runOf, { timeout: 10_000, interval: 200 }).toMatchObject({ status: 'running', steps: TASKS });
    const { id } = (await runOf())!;
    await run.end();
    await expect.poll(runOf, { timeout: 10_000, interval: 200 }).toMatchObject({ id, status: 'failure', steps: TASKS });
    expect(await failures()).toBe(1);
    const metrics = await (await fetch(`${agent.apiUrl}/metrics`)).text();
    expect([sampleValue(metrics, 'flowlens_pending_run_traces'), sampleValue(metrics, 'flowlens_pending_runs_age_seconds')]).toEqual([0, 0]);
    await sdk.shutdown();
  }, 90_000);
});

describe('one workflow and run id from two deployments or controllers', () => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('lists two runs, each with its own outcome, and counts the failed one', async () => {
    agent = await startTestAgent();
    // Airflow's run id is the logical date, the same in every deployment; Jenkins numbers builds per controller.
    const airflowRun = (fail: boolean): SpanSpec => ({
      name: 'dag_run.reports',
      startMs: T0,
      endMs: T0 + 10 * MIN,
      attributes: { 'airflow.dag_id': 'reports', 'airflow.dag_run.run_id': 'scheduled__2026-11-19T00:00:00+00:00', 'airflow.dag_run.state': fail ? 'failed' : 'success' },
      ...(fail && { error: ERR }),
    });
    const build = (fail: boolean): SpanSpec => ({
      name: 'BUILD deploy',
      kind: SpanKind.SERVER,
      startMs: T0,
      endMs: T0 + 10 * MIN,
      attributes: { 'ci.pipeline.id': 'deploy', 'ci.pipeline.run.number': 12, 'ci.pipeline.run.result': fail ? 'FAILURE' : 'SUCCESS' },
    });
    const sends: [Record<string, string>, SpanSpec][] = [
      [{ 'service.name': 'airflow', 'deployment.environment': 'prod' }, airflowRun(true)],
      [{ 'service.name': 'airflow', 'deployment.environment': 'staging' }, airflowRun(false)],
      [{ 'service.name': 'jenkins', 'service.instance.id': 'c0ffee01' }, build(true)],
      [{ 'service.name': 'jenkins', 'service.instance.id': 'c0ffee02' }, build(false)],
    ];
    for (const [resource, run] of sends) {
      const sdk = createSdk('http/protobuf', agent, resource);
      await sdk.emit(run);
      await sdk.shutdown();
    }
    for (const workflow of ['reports', 'deploy']) {
      const runs = (await agent.get(`/api/v1/workflows/${workflow}/runs?${range}`)).body.items as { status: string }[];
      expect(runs.map((r) => r.status).sort(), workflow).toEqual(['failure', 'success']);
      expect(await failuresCounted(agent, workflow), workflow).toBe(1);
    }
  }, 60_000);
});
