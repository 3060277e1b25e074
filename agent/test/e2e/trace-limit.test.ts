/**
 * A trace past `otlp.maxSpansPerTrace`, sent by the real SDK as a runner exporting as it goes: its later spans are
 * refused with an OTLP partial success the exporter reports, counted under their own reason, and the run its run
 * span ends (the trace's root, or the parent its steps await) is listed with the spans the trace holds.
 */
import { diag, DiagLogLevel, SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';
import { createSdk, pipelineOfTasks, type SpanSpec } from '../helpers/sdk.js';

const T0 = Date.parse('2026-11-19T00:00:00Z');
const range = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 86_400_000).toISOString()}`;
const LIMIT = 40;
const JOBS = 50;

describe('a trace past the most spans a trace may hold', () => {
  let agent: TestAgent;
  const partials: { rejectedSpans: number | string; errorMessage: string }[] = [];
  const logged: { message: string; traceId?: string; maxSpansPerTrace?: number }[] = [];
  beforeAll(async () => {
    const logger = createLogger('warn', (line) => void logged.push(JSON.parse(line)));
    agent = await startTestAgent({ otlp: { http: '127.0.0.1:0', grpc: false, maxSpansPerTrace: LIMIT } }, logger);
    const quiet = () => {};
    diag.setLogger(
      {
        warn: (message, ...args) => void (message.startsWith('Received Partial Success response') && partials.push(JSON.parse(String(args[0])))),
        error: quiet, info: quiet, debug: quiet, verbose: quiet,
      },
      DiagLogLevel.WARN,
    );
    try {
      // The jobs in one batch, then the run span in the next.
      const sdk = createSdk('http/protobuf', agent, { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'endless', 'cicd.pipeline.run.id': '9' }, { batch: true });
      const run = await sdk.begin(pipelineOfTasks('endless', T0, JOBS, 'success', (j) => `job ${j}`));
      await run.end();
      await sdk.shutdown();
    } finally {
      diag.disable();
    }
  });
  afterAll(() => agent.close());

  it('tells the sender how many spans were refused and why, naming the trace and the setting', () => {
    expect(partials).toHaveLength(1);
    expect(Number(partials[0]!.rejectedSpans)).toBe(JOBS - LIMIT);
    expect(partials[0]!.errorMessage).toMatch(/^10 spans refused: trace [0-9a-f]{32} already holds as many spans as a trace may \(otlp\.maxSpansPerTrace\)$/);
  });

  it('lists the run, ended by its root span, with the steps the trace holds', async () => {
    const runs = (await agent.get(`/api/v1/workflows/endless/runs?${range}`)).body.items as { id: string; status: string }[];
    expect(runs.map((r) => r.status)).toEqual(['success']);
    const run = (await agent.get(`/api/v1/runs/${encodeURIComponent(runs[0]!.id)}`)).body as { steps: { name: string }[]; spansRefused: number };
    expect(run.steps.map((s) => s.name)).toEqual(Array.from({ length: LIMIT }, (_, j) => `job ${j}`));
    // Whoever looks at the run is told it lacks steps, and how many spans its trace was refused.
    expect(run.spansRefused).toBe(JOBS - LIMIT);
  });

  it('tells the operator once, in the agent log, naming the trace and the limit', () => {
    const full = logged.filter((line) => line.message.includes('otlp.maxSpansPerTrace'));
    expect(full).toHaveLength(1);
    expect(full[0]).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), maxSpansPerTrace: LIMIT });
    expect(partials[0]!.errorMessage).toContain(full[0]!.traceId);
  });

  it('counts the refused spans under their own reason', async () => {
    const text = await (await fetch(`${agent.apiUrl}/metrics`)).text();
    expect(sampleValue(text, 'flowlens_rejected_spans_total', 'reason="trace_limit"')).toBe(JOBS - LIMIT);
    expect(sampleValue(text, 'flowlens_rejected_spans_total', 'reason="partial"')).toBeUndefined();
  });
});

describe('a Temporal workflow whose trace fills up before it ends', () => {
  let agent: TestAgent;
  afterAll(() => agent.close());

  it('still takes its RunWorkflow span, under the client span, and the run ends', async () => {
    agent = await startTestAgent({ otlp: { http: '127.0.0.1:0', grpc: false, maxSpansPerTrace: LIMIT } });
    const inRun = { temporalWorkflowID: 'sync-7', temporalRunID: 'run-7' };
    const activity = (i: number): SpanSpec => ({ name: `StartActivity:Copy${i}`, kind: SpanKind.CLIENT, startMs: T0 + i * 1_000, endMs: T0 + i * 1_000 + 900, attributes: inRun });
    const sdk = createSdk('http/protobuf', agent, { 'service.name': 'sync-worker' }, { batch: true });
    const run = await sdk.begin(
      {
        name: 'StartWorkflow:SyncWorkflow',
        kind: SpanKind.CLIENT,
        startMs: T0 - 100,
        endMs: T0 - 50,
        attributes: { temporalWorkflowID: 'sync-7' },
        children: [
          {
            name: 'RunWorkflow:SyncWorkflow',
            kind: SpanKind.SERVER,
            startMs: T0,
            endMs: T0 + JOBS * 1_000,
            attributes: inRun,
            children: Array.from({ length: JOBS }, (_, i) => activity(i)),
          },
        ],
      },
      (spec) => spec.name.startsWith('RunWorkflow:'),
    );
    const runs = async () => (await agent.get(`/api/v1/workflows/SyncWorkflow/runs?${range}`)).body.items as { id: string; status: string }[];
    expect((await runs()).map((r) => r.status)).toEqual(['running']);
    await run.end();
    await sdk.shutdown();
    const ended = await runs();
    expect(ended.map((r) => r.status)).toEqual(['success']);
    // The activities end (and are sent) before the client span: the trace holds the first LIMIT of them, and the
    // client span as a root past the limit.
    const detail = (await agent.get(`/api/v1/runs/${encodeURIComponent(ended[0]!.id)}`)).body as { steps: { name: string }[]; spansRefused: number };
    expect(detail.steps.map((s) => s.name)).toEqual(Array.from({ length: LIMIT }, (_, i) => `Copy${i}`));
    expect(detail.spansRefused).toBe(JOBS - LIMIT);
  });
});
