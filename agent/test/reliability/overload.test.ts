/**
 * Overload: many real OTLP/protobuf exporters at once against an agent whose write queue holds fewer spans than
 * they send together. The agent refuses the excess with 503 + Retry-After instead of buffering it, the exporters'
 * own retry brings everything in, every run ends up stored exactly once, and the agent's memory stays bounded.
 */
import { diag, DiagLogLevel, SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { cliMissing, listedRunIds, peakRssBytes, rangeQuery, runCounts, tempStore } from './support.js';

const MAX_PENDING = 2000;
const CLIENTS = 12;
const RUNS_PER_CLIENT = 500;
/** Three spans a run: each export (1200 spans) fits the queue alone, two in the same turn of the agent's loop do not. */
const SPANS_PER_EXPORT = 1200;
const RSS_BOUND = 500 << 20;
/** ExportResultCode.SUCCESS of @opentelemetry/core, which the exporters use but this package does not depend on. */
const EXPORT_SUCCESS = 0;

const now = Date.now();
const START = now - 12 * 3_600_000;
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);
const store = tempStore('overload');

/** Spans of a client's runs, made with the real SDK: a pipeline run span with a build and a test task under it. */
function clientSpans(workflow: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': workflow }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('overload');
  for (let i = 0; i < RUNS_PER_CLIENT; i++) {
    const begin = START + i * 60_000;
    const run = tracer.startSpan(`run ${workflow}`, {
      kind: SpanKind.SERVER,
      startTime: begin,
      attributes: { 'cicd.pipeline.name': workflow, 'cicd.pipeline.run.id': `run-${i}`, 'cicd.pipeline.result': 'success' },
    });
    const parent = trace.setSpan(context.active(), run);
    for (const [k, task] of ['build', 'test'].entries()) {
      const step = tracer.startSpan(task, { startTime: begin + 1_000 + k * 10_000, attributes: { 'cicd.pipeline.task.name': task, 'cicd.pipeline.task.run.result': 'success' } }, parent);
      step.end(begin + 10_000 + k * 10_000);
    }
    run.end(begin + 25_000);
  }
  return memory.getFinishedSpans();
}

function exportAll(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) => (result.code === EXPORT_SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')))),
  );
}

describe.skipIf(cliMissing())('overload', () => {
  it('refuses what the queue cannot hold with 503, and the exporters retry it in: every run once, memory bounded', async () => {
    const agent = await store.spawn({ FLOWLENS_OTLP_MAX_PENDING_ITEMS: String(MAX_PENDING) });

    // The exporters log each scheduled retry at VERBOSE. A retry after a whole 1, 2 or 3 s follows the agent's
    // `Retry-After` (sent only with 429/503, 1–3 s at random); retries after other failures back off with jitter.
    let retries = 0;
    const quiet = () => {};
    const afterRetryAfter = /^Scheduling export retry in [123]000ms$/;
    diag.setLogger(
      { verbose: (message) => void (afterRetryAfter.test(message) && retries++), debug: quiet, info: quiet, warn: quiet, error: quiet },
      DiagLogLevel.VERBOSE,
    );

    const workflows = Array.from({ length: CLIENTS }, (_, c) => `overload-${c}`);
    const clients = workflows.map((workflow) => ({
      spans: clientSpans(workflow),
      exporter: new OTLPTraceExporter({ url: `${agent.otlpHttpUrl}/v1/traces`, timeoutMillis: 60_000 }),
    }));
    try {
      await Promise.all(
        clients.map(async ({ spans, exporter }) => {
          for (let i = 0; i < spans.length; i += SPANS_PER_EXPORT) await exportAll(exporter, spans.slice(i, i + SPANS_PER_EXPORT));
        }),
      );
    } finally {
      diag.disable();
      await Promise.all(clients.map(({ exporter }) => exporter.shutdown()));
    }
    const peak = peakRssBytes(agent.child.pid!);

    const counts = await runCounts(agent.apiUrl, RANGE);
    for (const workflow of workflows) {
      expect(counts.get(workflow)).toBe(RUNS_PER_CLIENT);
      const ids = await listedRunIds(agent.apiUrl, workflow, RANGE);
      expect(new Set(ids).size).toBe(RUNS_PER_CLIENT);
    }
    console.log(
      `overload: ${CLIENTS} exporters, ${CLIENTS * RUNS_PER_CLIENT} runs (${CLIENTS * RUNS_PER_CLIENT * 3} spans) in exports of ${SPANS_PER_EXPORT} spans ` +
        `against a queue of ${MAX_PENDING}: ${retries} retries after 503, all runs stored once; agent peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(retries).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_BOUND);
    expect(await agent.stop('SIGTERM')).toBe(0);
  });
});
