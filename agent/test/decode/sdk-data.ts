/**
 * Known telemetry made with the real OpenTelemetry SDK, shared by the decoder and receiver tests: the same
 * emit functions feed in-memory exporters (oracle tests) and network exporters (receiver tests).
 */
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const RESOURCE_ATTRIBUTES = { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'build-and-test', 'host.cpus': 2 };
export const SCOPE = 'flowlens-test';
export const SCOPE_VERSION = '1.2.3';

/** 2026-01-01T00:00:00Z plus 123.456789 ms: sub-millisecond digits check the nanosecond conversion. */
export const T0_SECONDS = 1767225600;
export const T0_MS = T0_SECONDS * 1000 + 123.456789;

export function testResource(): Resource {
  return resourceFromAttributes(RESOURCE_ATTRIBUTES);
}

export const ROOT_ATTRIBUTES = {
  'cicd.pipeline.run.id': 'run-42',
  'run.attempt': 3,
  'run.big': 2 ** 40 + 7,
  'run.negative': -12,
  'run.ratio': 0.25,
  'run.cached': false,
  'run.labels': ['linux', 'x64'],
  'run.shards': [1, 2, 3],
  'run.flags': [true, false],
  'run.weights': [0.5, 1.5],
  'run.unicode': 'Zürich → 東京 🚀',
};

/**
 * A workflow run: a SERVER root span with every attribute type, a failing CLIENT step with an exception
 * event and a custom event, and a successful INTERNAL step.
 */
export function emitSampleSpans(tracer: Tracer): void {
  const root = tracer.startSpan('workflow build-and-test', {
    kind: SpanKind.SERVER,
    startTime: [T0_SECONDS, 123_456_789],
    attributes: ROOT_ATTRIBUTES,
  });
  const parent = trace.setSpan(context.active(), root);
  const failing = tracer.startSpan('step compile', { kind: SpanKind.CLIENT, startTime: T0_MS + 1000 }, parent);
  failing.setAttribute('cicd.pipeline.task.name', 'compile');
  failing.addEvent('retry', { 'retry.attempt': 2, 'retry.reason': 'flaky' }, T0_MS + 1500);
  const error = new Error('exit code 2: cannot find module');
  error.name = 'BuildError';
  failing.recordException(error, T0_MS + 2000);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: 'compile failed' });
  failing.end(T0_MS + 2500);
  const ok = tracer.startSpan('step test', { kind: SpanKind.INTERNAL, startTime: T0_MS + 3000 }, parent);
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.end(T0_MS + 4000);
  root.end(T0_MS + 5000);
}

/** `count` spans under one root, shaped like a CI step with a few attributes and one event each. */
export function emitManySpans(tracer: Tracer, count: number): void {
  const root = tracer.startSpan('workflow bulk', { startTime: T0_MS });
  const parent = trace.setSpan(context.active(), root);
  for (let i = 1; i < count; i++) {
    const span = tracer.startSpan(`step ${i % 17}`, {
      kind: SpanKind.INTERNAL,
      startTime: T0_MS + i,
      attributes: { 'cicd.pipeline.task.name': `task-${i % 17}`, 'step.index': i, 'step.cached': i % 2 === 0, 'http.url': `https://ci.example.com/jobs/${i}/logs` },
    }, parent);
    span.addEvent('log', { message: `line ${i}` }, T0_MS + i + 0.5);
    span.setStatus({ code: i % 10 === 0 ? SpanStatusCode.ERROR : SpanStatusCode.OK });
    span.end(T0_MS + i + 1);
  }
  root.end(T0_MS + count + 1);
}

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID = 'b7ad6b7169203331';

/** Three records: an error inside a span context, a map body, and a record without trace context. */
export function emitSampleLogs(logger: Logger): void {
  const spanContext = trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
  logger.emit({
    timestamp: [T0_SECONDS, 123_456_789],
    observedTimestamp: T0_MS + 10,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'step compile failed: exit code 2',
    attributes: { 'cicd.pipeline.task.name': 'compile', 'exit.code': 2 },
    context: spanContext,
  });
  logger.emit({ timestamp: T0_MS + 1, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: { step: 'test', passed: 12, ok: true } });
  logger.emit({ timestamp: T0_MS + 2, severityNumber: SeverityNumber.WARN, body: 'no trace context here' });
}

/** Spans made by the real SDK into memory, for serialisers and oracles. */
export async function sdkSpans(emit: (tracer: Tracer) => void): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = tracerProvider(new SimpleSpanProcessor(exporter));
  emit(provider.getTracer(SCOPE, SCOPE_VERSION));
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

export async function sdkLogRecords(emit: (logger: Logger) => void) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = loggerProvider(new SimpleLogRecordProcessor({ exporter }));
  emit(provider.getLogger(SCOPE, SCOPE_VERSION));
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

export function tracerProvider(processor: SpanProcessor): BasicTracerProvider {
  return new BasicTracerProvider({ resource: testResource(), spanProcessors: [processor] });
}

export function loggerProvider(processor: LogRecordProcessor): LoggerProvider {
  return new LoggerProvider({ resource: testResource(), processors: [processor] });
}
