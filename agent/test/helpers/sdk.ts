import { Metadata } from '@grpc/grpc-js';
import { context, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The real OpenTelemetry JS SDK, exporting to a test agent the way a runner's instrumentation would. */

export type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface SpanSpec {
  name: string;
  kind?: SpanKind;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string | number | boolean | string[]>;
  error?: { type: string; message: string };
  children?: SpanSpec[];
  logs?: { atMs: number; severity: 'INFO' | 'WARN' | 'ERROR'; body: string }[];
}

export interface Sdk {
  /** Emits a trace (the root and its descendants) and waits until the agent acknowledged it. */
  emit(root: SpanSpec): Promise<void>;
  /**
   * Emits a trace but leaves the spans `running` picks (its root, unless told) running, as a runner mid-run has:
   * `end` then ends and sends them.
   */
  begin(root: SpanSpec, running?: (spec: SpanSpec) => boolean): Promise<{ end(): Promise<void> }>;
  shutdown(): Promise<void>;
}

/**
 * A CI/CD-conventions pipeline run `RUN <pipeline>` that ended in `result`, over `tasks` successful tasks named by
 * `name`, one a second from `startMs`.
 */
export function pipelineOfTasks(pipeline: string, startMs: number, tasks: number, result: string, name: (i: number) => string): SpanSpec {
  return {
    name: `RUN ${pipeline}`,
    kind: SpanKind.SERVER,
    startMs,
    endMs: startMs + tasks * 1_000,
    attributes: { 'cicd.pipeline.result': result },
    children: Array.from({ length: tasks }, (_, i) => ({
      name: name(i),
      startMs: startMs + i * 1_000,
      endMs: startMs + i * 1_000 + 900,
      attributes: { 'cicd.pipeline.task.name': name(i), 'cicd.pipeline.task.run.result': 'success' },
    })),
  };
}

const SEVERITY = { INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR };

export function createSdk(
  protocol: Protocol,
  target: { otlpHttpUrl?: string | undefined; otlpGrpcAddress?: string | undefined },
  resource: Record<string, string>,
  /** `batch`: spans go in the SDK's batches (up to 512 a request) instead of a request each. */
  options: { token?: string; batch?: boolean } = {},
): Sdk {
  const headers = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const metadata = new Metadata();
  if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
  const traceExporter =
    protocol === 'grpc'
      ? new GrpcTraceExporter({ url: `http://${target.otlpGrpcAddress}`, metadata })
      : new (protocol === 'http/json' ? JsonTraceExporter : ProtoTraceExporter)({ url: `${target.otlpHttpUrl}/v1/traces`, headers });
  const logExporter =
    protocol === 'grpc'
      ? new GrpcLogExporter({ url: `http://${target.otlpGrpcAddress}`, metadata })
      : new (protocol === 'http/json' ? JsonLogExporter : ProtoLogExporter)({ url: `${target.otlpHttpUrl}/v1/logs`, headers });
  const res = resourceFromAttributes(resource);
  const spanProcessor = options.batch ? new BatchSpanProcessor(traceExporter, { maxQueueSize: 8_192 }) : new SimpleSpanProcessor(traceExporter);
  const tracerProvider = new BasicTracerProvider({ resource: res, spanProcessors: [spanProcessor] });
  const loggerProvider = new LoggerProvider({ resource: res, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
  const tracer = tracerProvider.getTracer('flowlens-test');
  const logger = loggerProvider.getLogger('flowlens-test');

  /** Starts the spans of `spec`; those `running` picks are left open, added to `open` after their descendants. */
  const start = (spec: SpanSpec, parent?: Span, running?: (spec: SpanSpec) => boolean, open: [Span, SpanSpec][] = []): Span => {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = tracer.startSpan(spec.name, { kind: spec.kind ?? SpanKind.INTERNAL, startTime: spec.startMs, attributes: spec.attributes ?? {} }, ctx);
    for (const child of spec.children ?? []) start(child, span, running, open);
    for (const log of spec.logs ?? []) {
      logger.emit({
        timestamp: log.atMs,
        severityNumber: SEVERITY[log.severity],
        severityText: log.severity,
        body: log.body,
        context: trace.setSpan(context.active(), span),
      });
    }
    if (running?.(spec)) open.push([span, spec]);
    else finish(span, spec);
    return span;
  };
  const finish = (span: Span, spec: SpanSpec): void => {
    if (spec.error) {
      span.recordException({ name: spec.error.type, message: spec.error.message }, spec.endMs);
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error.message });
    }
    span.end(spec.endMs);
  };
  const flush = async (): Promise<void> => {
    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
  };

  return {
    async emit(root) {
      start(root);
      await flush();
    },
    async begin(root, running = (spec) => spec === root) {
      const open: [Span, SpanSpec][] = [];
      start(root, undefined, running, open);
      await flush();
      return {
        async end() {
          for (const [span, spec] of open) finish(span, spec);
          await flush();
        },
      };
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}
