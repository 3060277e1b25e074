/**
 * The OTLP/gRPC receiver with a raw grpc-js client (status codes, RetryInfo trailer, size limit) and with the
 * real SDK exporter, which must retry through backpressure until its data is accepted.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/receive/config.js';
import { BackpressureError, type OtlpConsumer } from '../../src/receive/consumer.js';
import { createGrpcReceiver } from '../../src/receive/grpc-receiver.js';
import type { RequestInfo } from '../../src/receive/observer.js';
import { emitSampleSpans, sdkSpans } from '../decode/sdk-data.js';
import { decodeExportResponse, decodeStatus } from './rpc-status.js';
import { ErroringConsumer, RecordingConsumer } from './sinks.js';

const TRACES = Buffer.from(ProtobufTraceSerializer.serializeRequest(await sdkSpans(emitSampleSpans))!);
const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const collector = (oracle as any).opentelemetry.proto.collector;

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const done of cleanup.reverse()) await done();
  cleanup = [];
});

async function start(consumer: OtlpConsumer, maxBodyBytes?: number, observed?: RequestInfo[]) {
  const receiver: Receiver = createGrpcReceiver({ port: 0, maxBodyBytes, observer: observed && { requestDone: (i) => observed.push(i) } }, consumer);
  const { port } = await receiver.start();
  cleanup.push(() => receiver.stop());
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  cleanup.push(() => client.close());
  return { port, client };
}

interface Answer {
  error?: ServiceError;
  body?: Buffer;
}

function call(client: Client, path: string, request: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, request, new Metadata(), (error, body) =>
      resolve(error ? { error } : { body: body as Buffer }),
    );
  });
}

describe('OTLP/gRPC receiver', () => {
  it('accepts traces and logs through the raw service paths', async () => {
    const consumer = new RecordingConsumer();
    const { client } = await start(consumer);
    const traces = await call(client, TRACE_PATH, TRACES);
    expect(traces.error).toBeUndefined();
    expect(traces.body!.length).toBe(0);
    const logs = collector.logs.v1.ExportLogsServiceRequest.encode({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hello' }, severityNumber: 9 }] }] }],
    }).finish();
    expect((await call(client, LOGS_PATH, Buffer.from(logs))).error).toBeUndefined();
    expect(consumer.spans()).toHaveLength(3);
    expect(consumer.records()).toMatchObject([{ body: 'hello', severityNumber: 9 }]);
  });

  it('answers INVALID_ARGUMENT for undecodable data and UNIMPLEMENTED for other methods', async () => {
    const consumer = new RecordingConsumer();
    const { client } = await start(consumer);
    const bad = await call(client, TRACE_PATH, Buffer.from([0x0a, 0x7f, 0x01]));
    expect(bad.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.error?.details).toBe('invalid protobuf: length 127 past the end of the buffer at offset 1');
    const other = await call(client, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', TRACES);
    expect(other.error?.code).toBe(status.UNIMPLEMENTED);
    expect(consumer.calls).toBe(0);
  });

  it('reports rejected spans as partial success', async () => {
    const { client } = await start(new RecordingConsumer());
    const request = collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(15, 1), spanId: Buffer.alloc(8, 1), name: 'bad' }] }] }],
    }).finish();
    const answer = await call(client, TRACE_PATH, Buffer.from(request));
    expect(decodeExportResponse('traces', answer.body!)).toEqual({ rejected: 1, errorMessage: '1 span rejected: trace_id must be 16 bytes' });
  });

  it('answers UNAVAILABLE with RetryInfo on backpressure and INTERNAL on other consumer errors', async () => {
    const busy = await start(new ErroringConsumer(() => new BackpressureError('write queue full', 2.5)));
    const answer = await call(busy.client, TRACE_PATH, TRACES);
    expect(answer.error?.code).toBe(status.UNAVAILABLE);
    const details = answer.error!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(decodeStatus(details)).toEqual({ code: status.UNAVAILABLE, message: 'write queue full', retryDelaySeconds: 2.5 });

    const broken = await start(new ErroringConsumer(() => new Error('database is locked')));
    const failed = await call(broken.client, TRACE_PATH, TRACES);
    expect([failed.error?.code, failed.error?.details]).toEqual([status.INTERNAL, 'database is locked']);
    expect(failed.error!.metadata.get('grpc-status-details-bin')).toEqual([]);
  });

  it('refuses messages over the body limit with RESOURCE_EXHAUSTED, also when they pass it only once inflated', async () => {
    const consumer = new RecordingConsumer();
    const { port, client } = await start(consumer, 64 * 1024);
    // TRACES plus an unknown field 15 of 1 MiB zeros: valid protobuf, tiny when gzipped.
    const big = Buffer.concat([TRACES, Buffer.from([0x7a, 0x80, 0x80, 0x40]), Buffer.alloc(1 << 20)]);
    expect((await call(client, TRACE_PATH, big)).error?.code).toBe(status.RESOURCE_EXHAUSTED);
    // grpc-encoding gzip (2) and deflate (1), what the Collector's `compression: gzip` and `deflate` send.
    for (const algorithm of [2, 1]) {
      const compressing = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.default_compression_algorithm': algorithm });
      cleanup.push(() => compressing.close());
      const inflated = await call(compressing, TRACE_PATH, big);
      expect(inflated.error?.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(inflated.error?.details).toMatch(/decompresses to a size larger than 65536/);
      expect((await call(compressing, TRACE_PATH, TRACES)).error).toBeUndefined();
    }
    expect(consumer.spans()).toHaveLength(6);
  });

  it('lets a gRPC client with a retry policy retry through backpressure until the spans are accepted', async () => {
    const observed: RequestInfo[] = [];
    const consumer = new ErroringConsumer(() => new BackpressureError('busy', 0), 2);
    const { port } = await start(consumer, undefined, observed);
    const retryPolicy = { maxAttempts: 5, initialBackoff: '0.01s', maxBackoff: '0.05s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] };
    const serviceConfig = { methodConfig: [{ name: [{ service: 'opentelemetry.proto.collector.trace.v1.TraceService' }], retryPolicy }] };
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.service_config': JSON.stringify(serviceConfig) });
    cleanup.push(() => client.close());
    const answer = await call(client, TRACE_PATH, TRACES);
    expect(answer.error).toBeUndefined();
    expect(consumer.failed).toBe(2);
    expect(consumer.spans()).toHaveLength(3);
    expect(observed.map((o) => [o.status, o.reason, o.items])).toEqual([
      [status.UNAVAILABLE, 'backpressure', 0],
      [status.UNAVAILABLE, 'backpressure', 0],
      [status.OK, undefined, 3],
    ]);
  });

  it('shows the SDK gRPC exporter UNAVAILABLE under backpressure; its next export is accepted', async () => {
    // OTel JS 0.223's gRPC exporter does not retry by itself (its HTTP exporters do; see the HTTP tests).
    const consumer = new ErroringConsumer(() => new BackpressureError('busy', 1), 1);
    const { port } = await start(consumer);
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}` });
    cleanup.push(() => exporter.shutdown());
    const spans = await sdkSpans(emitSampleSpans);
    const exportOnce = () => new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
    const first = await exportOnce();
    expect((first.error as ServiceError | undefined)?.code).toBe(status.UNAVAILABLE);
    expect(consumer.spans()).toHaveLength(0);
    expect((await exportOnce()).error).toBeUndefined();
    expect(consumer.spans().map((s) => s.name).sort()).toEqual(['step compile', 'step test', 'workflow build-and-test']);
  });
});
