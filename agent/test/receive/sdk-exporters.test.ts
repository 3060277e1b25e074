/**
 * Real OpenTelemetry SDK exporters (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC; plain and gzip) sending to
 * the receivers on ephemeral ports: what the consumer gets must be what the SDK was told to emit.
 */
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { BatchLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpLogRecord, OtlpSpan } from '../../src/model/otlp.js';
import type { Receiver } from '../../src/receive/config.js';
import { createGrpcReceiver } from '../../src/receive/grpc-receiver.js';
import { createHttpReceiver } from '../../src/receive/http-receiver.js';
import {
  emitSampleLogs,
  emitSampleSpans,
  loggerProvider,
  RESOURCE_ATTRIBUTES,
  ROOT_ATTRIBUTES,
  SCOPE,
  SCOPE_VERSION,
  SPAN_ID,
  T0_MS,
  TRACE_ID,
  tracerProvider,
} from '../decode/sdk-data.js';
import { RecordingConsumer } from './sinks.js';

const consumer = new RecordingConsumer();
const receivers: Receiver[] = [createHttpReceiver({ port: 0 }, consumer), createGrpcReceiver({ port: 0 }, consumer)];
let httpUrl = '';
let grpcUrl = '';

beforeAll(async () => {
  const [http, grpc] = await Promise.all(receivers.map((r) => r.start()));
  httpUrl = `http://127.0.0.1:${http!.port}`;
  grpcUrl = `http://127.0.0.1:${grpc!.port}`;
});
afterAll(() => Promise.all(receivers.map((r) => r.stop())));

const gzip = CompressionAlgorithm.GZIP;
const traceExporters: [string, () => SpanExporter][] = [
  ['OTLP/HTTP protobuf', () => new ProtoTraceExporter({ url: `${httpUrl}/v1/traces` })],
  ['OTLP/HTTP protobuf, gzip', () => new ProtoTraceExporter({ url: `${httpUrl}/v1/traces`, compression: gzip })],
  ['OTLP/HTTP JSON', () => new JsonTraceExporter({ url: `${httpUrl}/v1/traces` })],
  ['OTLP/HTTP JSON, gzip', () => new JsonTraceExporter({ url: `${httpUrl}/v1/traces`, compression: gzip })],
  ['OTLP/gRPC', () => new GrpcTraceExporter({ url: grpcUrl })],
  ['OTLP/gRPC, gzip', () => new GrpcTraceExporter({ url: grpcUrl, compression: gzip })],
];
const logExporters: [string, () => LogRecordExporter][] = [
  ['OTLP/HTTP protobuf', () => new ProtoLogExporter({ url: `${httpUrl}/v1/logs` })],
  ['OTLP/HTTP JSON, gzip', () => new JsonLogExporter({ url: `${httpUrl}/v1/logs`, compression: gzip })],
  ['OTLP/gRPC', () => new GrpcLogExporter({ url: grpcUrl })],
];

/** Times survive to well under a millisecond (the SDK keeps [seconds, nanos]). */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.001);

describe.each(traceExporters)('spans from the SDK via %s', (_name, makeExporter) => {
  it('arrive with names, ids, times, attributes of every type, events, status and resource', async () => {
    const before = consumer.traces.length;
    const provider = tracerProvider(new SimpleSpanProcessor(makeExporter()));
    emitSampleSpans(provider.getTracer(SCOPE, SCOPE_VERSION));
    await provider.forceFlush();
    await provider.shutdown();
    const batches = consumer.traces.slice(before);
    const groups = batches.flatMap((b) => b.resourceSpans);
    const spans: OtlpSpan[] = groups.flatMap((g) => g.scopes.flatMap((s) => s.spans));
    expect(spans.map((s) => s.name).sort()).toEqual(['step compile', 'step test', 'workflow build-and-test']);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const root = byName['workflow build-and-test']!;
    const failing = byName['step compile']!;
    const ok = byName['step test']!;

    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(root.parentSpanId).toBe('');
    for (const child of [failing, ok]) {
      expect(child.traceId).toBe(root.traceId);
      expect(child.parentSpanId).toBe(root.spanId);
    }
    expect([root.kind, failing.kind, ok.kind]).toEqual([2, 3, 1]);
    near(root.startMs, T0_MS);
    near(root.endMs, T0_MS + 5000);
    near(failing.startMs, T0_MS + 1000);
    near(failing.endMs, T0_MS + 2500);
    expect(root.attributes).toEqual(ROOT_ATTRIBUTES);
    expect(failing.attributes).toEqual({ 'cicd.pipeline.task.name': 'compile' });
    expect([failing.statusCode, failing.statusMessage, ok.statusCode, root.statusCode]).toEqual([2, 'compile failed', 1, 0]);

    const [retry, exception] = failing.events;
    expect(retry).toMatchObject({ name: 'retry', attributes: { 'retry.attempt': 2, 'retry.reason': 'flaky' } });
    near(retry!.timeMs, T0_MS + 1500);
    expect(exception).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'BuildError', 'exception.message': 'exit code 2: cannot find module' },
    });
    expect(exception!.attributes['exception.stacktrace']).toMatch(/^BuildError: exit code 2/);
    near(exception!.timeMs, T0_MS + 2000);

    for (const group of groups) {
      expect(group.resource).toMatchObject(RESOURCE_ATTRIBUTES);
      for (const scope of group.scopes) {
        expect([scope.scopeName, scope.scopeVersion]).toEqual([SCOPE, SCOPE_VERSION]);
        for (const span of scope.spans) {
          expect(span.resource).toBe(group.resource);
          expect(span.scopeName).toBe(SCOPE);
        }
      }
    }
  });
});

describe.each(logExporters)('log records from the SDK via %s', (_name, makeExporter) => {
  it('arrive with times, severity, bodies, attributes and trace context', async () => {
    const before = consumer.logs.length;
    const provider = loggerProvider(new BatchLogRecordProcessor({ exporter: makeExporter() }));
    emitSampleLogs(provider.getLogger(SCOPE, SCOPE_VERSION));
    await provider.forceFlush();
    await provider.shutdown();
    const groups = consumer.logs.slice(before).flatMap((b) => b.resourceLogs);
    const records: OtlpLogRecord[] = groups.flatMap((g) => g.scopes.flatMap((s) => s.logRecords));
    expect(records).toHaveLength(3);
    const [error, map, plain] = records;
    expect(error).toMatchObject({
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'step compile failed: exit code 2',
      attributes: { 'cicd.pipeline.task.name': 'compile', 'exit.code': 2 },
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      scopeName: SCOPE,
    });
    near(error!.timeMs, T0_MS);
    near(error!.observedTimeMs, T0_MS + 10);
    expect(JSON.parse(map!.body)).toEqual({ step: 'test', passed: 12, ok: true });
    expect(map!.severityText).toBe('INFO');
    expect(plain).toMatchObject({ body: 'no trace context here', severityNumber: 13, severityText: '', traceId: '', spanId: '' });
    for (const record of records) expect(record.resource).toMatchObject(RESOURCE_ATTRIBUTES);
  });
});
