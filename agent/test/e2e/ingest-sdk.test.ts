import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValue } from '../helpers/metrics.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { createSdk, type Protocol, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;

/** A Temporal (Go SDK keys) workflow run: RunWorkflow → StartActivity → RunActivity, one activity failing. */
function temporalRun(runId: string, startMs: number, fail: boolean): SpanSpec {
  const activity = (name: string, offset: number, minutes: number, error?: { type: string; message: string }): SpanSpec => ({
    name: `StartActivity:${name}`,
    kind: SpanKind.CLIENT,
    startMs: startMs + offset * MIN,
    endMs: startMs + (offset + minutes) * MIN,
    ...(error && { error }),
    children: [
      {
        name: `RunActivity:${name}`,
        kind: SpanKind.SERVER,
        startMs: startMs + offset * MIN + 100,
        endMs: startMs + (offset + minutes) * MIN - 100,
        attributes: { temporalWorkflowID: `order-${runId}`, temporalRunID: runId, temporalActivityID: `${name}-1` },
        ...(error && { error }),
        logs: [{ atMs: startMs + offset * MIN + 500, severity: error ? 'ERROR' : 'INFO', body: error ? error.message : `activity ${name} done` }],
        children: [
          {
            name: 'POST',
            kind: SpanKind.CLIENT,
            startMs: startMs + offset * MIN + 200,
            endMs: startMs + offset * MIN + 900,
            attributes: { 'http.request.method': 'POST', 'server.address': 'payments.internal', 'server.port': 443 },
          },
        ],
      },
    ],
  });
  return {
    name: 'RunWorkflow:OrderFulfillment',
    kind: SpanKind.SERVER,
    startMs,
    endMs: startMs + 10 * MIN,
    attributes: { temporalWorkflowID: `order-${runId}`, temporalRunID: runId },
    ...(fail && { error: { type: 'ActivityError', message: 'activity error' } }),
    children: [
      activity('ReserveStock', 0, 2),
      activity('ChargeCard', 3, 4, fail ? { type: 'PaymentDeclined', message: 'card 4242 declined by issuer after 3 attempts' } : undefined),
    ],
  };
}

describe.each<Protocol>(['http/protobuf', 'http/json', 'grpc'])('ingest with the OpenTelemetry SDK over %s', (protocol) => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent();
    const sdk = createSdk(protocol, agent, { 'service.name': 'order-worker', 'service.version': '2.3.1', 'host.name': 'worker-7' });
    await sdk.emit(temporalRun('run-1', T0, false));
    await sdk.emit(temporalRun('run-2', T0 + 20 * MIN, true));
    await sdk.emit(temporalRun('run-3', T0 + 40 * MIN, false));
    await sdk.shutdown();
  });
  afterAll(() => agent.close());

  const range = `from=${new Date(T0 - MIN).toISOString()}&to=${new Date(T0 + 2 * 60 * MIN).toISOString()}`;

  it('lists the workflow under its Temporal workflow type with exact run and failure counts', async () => {
    const { status, body } = await agent.get(`/api/v1/workflows?${range}`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ name: 'OrderFulfillment', runner: 'temporal', runs: 3, failedRuns: 1 });
    expect(body.items[0].successRate).toBeCloseTo(2 / 3, 3);
    expect(body.items[0].p50DurationSeconds).toBe(600);
    expect(body.items[0].lastRunAt).toBe(new Date(T0 + 50 * MIN).toISOString());
  });

  it('shows per-step statistics with the activity wrappers collapsed and downstream services', async () => {
    const { status, body } = await agent.get(`/api/v1/workflows/OrderFulfillment?${range}`);
    expect(status).toBe(200);
    expect(body.steps.map((s: { name: string }) => s.name)).toEqual(['ReserveStock', 'ChargeCard']);
    const charge = body.steps[1];
    expect(charge).toMatchObject({ runs: 3, failures: 1 });
    expect(charge.downstream[0]).toMatchObject({ name: 'payments.internal:443', calls: 3 });
  });

  it('serves a run with its steps, the failing step as the error origin, and its logs on their steps', async () => {
    const runs = await agent.get(`/api/v1/workflows/OrderFulfillment/runs?${range}&status=failure`);
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(1);
    const run = await agent.get(`/api/v1/runs/${encodeURIComponent(runs.body.items[0].id)}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ workflow: 'OrderFulfillment', runId: 'run-2', status: 'failure', durationSeconds: 600 });
    expect(run.body.attributes).toMatchObject({ 'service.version': '2.3.1', 'host.name': 'worker-7' });
    const charge = run.body.steps.find((s: { name: string }) => s.name === 'ChargeCard');
    expect(charge).toMatchObject({ status: 'failure', errorType: 'PaymentDeclined', errorMessage: 'card 4242 declined by issuer after 3 attempts' });
    expect(run.body.errors[0]).toMatchObject({ step: 'ChargeCard', message: 'card 4242 declined by issuer after 3 attempts' });
    const errorLog = run.body.logs.find((l: { severity: string }) => l.severity === 'ERROR');
    expect(errorLog).toMatchObject({ body: 'card 4242 declined by issuer after 3 attempts', stepId: charge.id });
    expect(run.body.logs).toHaveLength(2);
  });

  it('counts each finished run and top-level step once in the Prometheus metrics', async () => {
    const text = await (await fetch(`${agent.apiUrl}/metrics`)).text();
    const value = (name: string, ...labels: string[]) => sampleValue(text, name, ...labels);
    expect(value('flowlens_workflow_runs_total', 'workflow="OrderFulfillment"', 'status="success"')).toBe(2);
    expect(value('flowlens_workflow_runs_total', 'workflow="OrderFulfillment"', 'status="failure"')).toBe(1);
    expect(value('flowlens_step_runs_total', 'step="ChargeCard"', 'status="failure"')).toBe(1);
    expect(value('flowlens_step_runs_total', 'step="ReserveStock"', 'status="success"')).toBe(3);
    expect(value('flowlens_workflow_run_duration_seconds_count', 'workflow="OrderFulfillment"')).toBe(3);
    // Durations as the API gives them, bucketed with inclusive upper bounds.
    const runs = (await agent.get(`/api/v1/workflows/OrderFulfillment/runs?${range}`)).body.items as { durationSeconds: number }[];
    const durations = runs.map((r) => r.durationSeconds);
    expect(value('flowlens_workflow_run_duration_seconds_sum', 'workflow="OrderFulfillment"')).toBeCloseTo(durations.reduce((a, b) => a + b, 0), 6);
    for (const le of [300, 600, 900]) {
      expect(value('flowlens_workflow_run_duration_seconds_bucket', 'workflow="OrderFulfillment"', `le="${le}"`)).toBe(durations.filter((d) => d <= le).length);
    }
    expect(value('flowlens_step_duration_seconds_count', 'step="ChargeCard"')).toBe(3);
  });

  it('answers 404 with a message for an unknown workflow or run', async () => {
    const workflow = await agent.get('/api/v1/workflows/nope');
    expect(workflow.status).toBe(404);
    expect(workflow.body.error.message).toMatch(/nope/);
    expect((await agent.get('/api/v1/runs/nope')).status).toBe(404);
  });
});
