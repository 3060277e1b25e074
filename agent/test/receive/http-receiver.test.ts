/**
 * The OTLP/HTTP receiver over real sockets, mirroring the Collector's otlpreceiver tests: status codes,
 * content types, encodings, size limits, partial success, backpressure and shutdown.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { deflateSync, gzipSync } from 'node:zlib';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BackpressureError, type OtlpConsumer } from '../../src/receive/consumer.js';
import { createHttpReceiver } from '../../src/receive/http-receiver.js';
import type { RequestInfo } from '../../src/receive/observer.js';
import type { Receiver } from '../../src/receive/config.js';
import { emitSampleSpans, sdkSpans } from '../decode/sdk-data.js';
import { JSON_TYPE, PROTOBUF, send } from './http-helpers.js';
import { decodeExportResponse, decodeStatus } from './rpc-status.js';
import { ErroringConsumer, RecordingConsumer } from './sinks.js';

const spans = await sdkSpans(emitSampleSpans);
const TRACES_PB = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
const TRACES_JSON = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
const collector = (oracle as any).opentelemetry.proto.collector;
/** A span must say when it started (and ended). */
const TIMES = { startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225601000000000' };

let running: Receiver[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

async function start(consumer: OtlpConsumer = new RecordingConsumer(), maxBodyBytes?: number, observed?: RequestInfo[]) {
  const receiver = createHttpReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes, observer: observed && { requestDone: (i) => observed.push(i) } }, consumer);
  running.push(receiver);
  const { port } = await receiver.start();
  return { port, receiver };
}

/** `base` plus an unknown field (number 15) padding the message to exactly `size` bytes. */
function padded(base: Buffer, size: number): Buffer {
  for (let fill = size - base.length - 2; fill >= 0; fill--) {
    const length = Buffer.from(varint(fill));
    if (base.length + 1 + length.length + fill === size) return Buffer.concat([base, Buffer.from([(15 << 3) | 2]), length, Buffer.alloc(fill, 7)]);
  }
  throw new Error(`cannot pad to ${size}`);
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

/** The reference zstd CLI (Debian package `zstd`), compressing as a Collector's `compression: zstd` would. */
const zstdMissing = spawnSync('zstd', ['--version']).status === 0 ? undefined : 'the zstd CLI is not installed (Debian package zstd)';
const zstd = (input: Buffer, ...options: string[]) => execFileSync('zstd', ['-c', '-q', ...options], { input, maxBuffer: 1 << 30 });

describe('OTLP/HTTP receiver', () => {
  it('accepts protobuf traces and answers an empty protobuf response after the consumer resolves', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    const answer = await send(port, '/v1/traces', TRACES_PB, PROTOBUF);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-protobuf');
    expect(answer.body.length).toBe(0);
    expect(consumer.spans().map((s) => s.name).sort()).toEqual(['step compile', 'step test', 'workflow build-and-test']);
  });

  it('accepts JSON with charset and upper-case media types, and answers in JSON', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'APPLICATION/X-PROTOBUF;charset=binary']) {
      const body = type.toLowerCase().includes('json') ? TRACES_JSON : TRACES_PB;
      const answer = await send(port, '/v1/traces?tenant=a', body, { 'Content-Type': type });
      expect(answer.status, type).toBe(200);
      expect(answer.headers['content-type']).toBe(type.toLowerCase().includes('json') ? 'application/json' : 'application/x-protobuf');
    }
    expect(consumer.spans()).toHaveLength(9);
  });

  it('answers 200 to an empty body without calling the consumer', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    expect((await send(port, '/v1/logs', Buffer.alloc(0), JSON_TYPE)).status).toBe(200);
    expect((await send(port, '/v1/traces', Buffer.alloc(0), PROTOBUF)).status).toBe(200);
    expect(consumer.calls).toBe(0);
  });

  it('answers 400 with a google.rpc.Status in the request encoding for undecodable bodies', async () => {
    const { port } = await start();
    const json = await send(port, '/v1/traces', Buffer.from('1234'), JSON_TYPE);
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body.toString())).toEqual({ code: 3, message: 'invalid OTLP/JSON: expected an object at the top level', details: [] });
    const pb = await send(port, '/v1/logs', Buffer.from([0x0a, 0x05, 0x01]), PROTOBUF);
    expect(pb.status).toBe(400);
    expect(pb.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeStatus(pb.body)).toEqual({ code: 3, message: 'invalid protobuf: length 5 past the end of the buffer at offset 1' });
  });

  it('answers 405 with Allow for other methods and 404 for other paths', async () => {
    const { port } = await start();
    for (const method of ['GET', 'PATCH', 'PUT']) {
      const answer = await send(port, '/v1/traces', undefined, PROTOBUF, { method });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('POST');
    }
    const missing = await send(port, '/v1/metrics', TRACES_PB, PROTOBUF);
    expect(missing.status).toBe(404);
    expect(decodeStatus(missing.body)).toEqual({ code: 5, message: 'unknown path /v1/metrics, use /v1/traces or /v1/logs' });
  });

  it('answers 415 for missing or other content types and encodings, naming the supported ones', async () => {
    const { port } = await start();
    for (const headers of [{}, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/protobuf' }]) {
      const answer = await send(port, '/v1/traces', TRACES_PB, headers);
      expect(answer.status).toBe(415);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(JSON.parse(answer.body.toString()).message).toMatch(/supported: \[application\/json, application\/x-protobuf\]$/);
    }
    const br = await send(port, '/v1/traces', TRACES_PB, { ...PROTOBUF, 'Content-Encoding': 'br' });
    expect(br.status).toBe(415);
    expect(decodeStatus(br.body).message).toBe('unsupported Content-Encoding "br", supported: [deflate, gzip, identity, zlib, zstd]');
    // What a Collector sends with `compression: snappy`: refused as such, not taken for protobuf.
    const snappy = await send(port, '/v1/traces', TRACES_PB, { ...PROTOBUF, 'Content-Encoding': 'snappy' });
    expect(snappy.status).toBe(415);
  });

  it('accepts gzip, deflate (zlib, as the Collector sends for `deflate` and `zlib`) and identity bodies', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    expect((await send(port, '/v1/traces', gzipSync(TRACES_PB), { ...PROTOBUF, 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await send(port, '/v1/traces', gzipSync(TRACES_JSON), { ...JSON_TYPE, 'Content-Encoding': 'GZIP' })).status).toBe(200);
    expect((await send(port, '/v1/traces', TRACES_PB, { ...PROTOBUF, 'Content-Encoding': 'identity' })).status).toBe(200);
    expect((await send(port, '/v1/traces', deflateSync(TRACES_PB), { ...PROTOBUF, 'Content-Encoding': 'deflate' })).status).toBe(200);
    expect((await send(port, '/v1/traces', deflateSync(TRACES_JSON), { ...JSON_TYPE, 'Content-Encoding': 'zlib' })).status).toBe(200);
    expect(consumer.spans()).toHaveLength(15);
  });

  it.each([
    ['gzip', gzipSync, 'gzip: incorrect header check', 'gzip: unexpected end of file'],
    ['deflate', deflateSync, 'deflate: incorrect header check', 'deflate: unexpected end of file'],
    ...(zstdMissing ? [] : [['zstd', (input: Buffer) => zstd(input), 'zstd: not a zstd frame', 'zstd: truncated frame'] as const]),
  ])('answers 400 naming the coding for a %s header on a plain body and for a truncated one', async (encoding, compress, plainMessage, truncatedMessage) => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    const plain = await send(port, '/v1/traces', TRACES_PB, { ...PROTOBUF, 'Content-Encoding': encoding });
    expect(plain.status).toBe(400);
    expect(decodeStatus(plain.body).message).toBe(plainMessage);
    const zipped = compress(TRACES_PB);
    const truncated = await send(port, '/v1/traces', zipped.subarray(0, zipped.length - 20), { ...JSON_TYPE, 'Content-Encoding': encoding });
    expect(truncated.status).toBe(400);
    expect(JSON.parse(truncated.body.toString()).message).toBe(truncatedMessage);
    expect(consumer.calls).toBe(0);
  });

  it('accepts a body exactly at the limit and answers 413 one byte over, by Content-Length and when streamed', async () => {
    const limit = 8192;
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer, limit);
    expect((await send(port, '/v1/traces', padded(TRACES_PB, limit), PROTOBUF)).status).toBe(200);
    const over = padded(TRACES_PB, limit + 1);
    const byLength = await send(port, '/v1/traces', over, PROTOBUF);
    expect(byLength.status).toBe(413);
    expect(decodeStatus(byLength.body).message).toBe('request body larger than the limit of 8192 bytes');
    expect((await send(port, '/v1/traces', over, PROTOBUF, { chunked: true })).status).toBe(413);
    expect((await send(port, '/v1/traces', Buffer.alloc(4 << 20), PROTOBUF, { chunked: true })).status).toBe(413);
    expect(consumer.spans()).toHaveLength(3);
    expect((await send(port, '/v1/traces', TRACES_PB, PROTOBUF)).status).toBe(200);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ...(zstdMissing ? [] : [['zstd', (input: Buffer) => zstd(input)] as const]),
  ])('limits the inflated size: %s exactly at the limit passes, a bomb gets 413', async (encoding, compress) => {
    const limit = 64 * 1024;
    const { port } = await start(new RecordingConsumer(), limit);
    const atLimit = await send(port, '/v1/traces', compress(padded(TRACES_PB, limit)), { ...PROTOBUF, 'Content-Encoding': encoding });
    expect(atLimit.status).toBe(200);
    const oneOver = await send(port, '/v1/traces', compress(padded(TRACES_PB, limit + 1)), { ...PROTOBUF, 'Content-Encoding': encoding });
    expect(oneOver.status).toBe(413);
    const bomb = compress(Buffer.alloc(64 << 20));
    expect(bomb.length).toBeLessThan(limit);
    const answer = await send(port, '/v1/traces', bomb, { ...PROTOBUF, 'Content-Encoding': encoding });
    expect(answer.status).toBe(413);
  });

  it('reports decoder and consumer rejections as partial success with the reasons', async () => {
    const consumer = new RecordingConsumer({ rejected: 1, message: '1 span duplicated' });
    const observed: RequestInfo[] = [];
    const { port } = await start(consumer, undefined, observed);
    const good = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok', ...TIMES };
    const request = collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [good, { ...good, spanId: Buffer.alloc(4, 1) }, { ...good, traceId: Buffer.alloc(16) }] }] }],
    }).finish();
    const answer = await send(port, '/v1/traces', Buffer.from(request), PROTOBUF);
    expect(answer.status).toBe(200);
    expect(decodeExportResponse('traces', answer.body)).toEqual({
      rejected: 3,
      errorMessage: '2 spans rejected: span_id must be 8 bytes; trace_id is missing or all zero; 1 span duplicated',
    });
    const json = await send(port, '/v1/traces', Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'b7ad6b7169203331' }] }] }] })), JSON_TYPE);
    expect(JSON.parse(json.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: '1 span rejected: resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters' },
    });
    expect(observed.map((o) => [o.rejected, o.reason])).toEqual([[3, 'partial'], [1, 'partial']]);
  });

  it("counts a consumer's refusal under its own reason, unless the decoder also rejected items", async () => {
    const observed: RequestInfo[] = [];
    const { port } = await start(new RecordingConsumer({ rejected: 2, message: '2 spans refused', reason: 'trace_limit' }), undefined, observed);
    expect((await send(port, '/v1/traces', TRACES_PB, PROTOBUF)).status).toBe(200);
    const good = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok', ...TIMES };
    const mixed = collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [good, good, { ...good, traceId: Buffer.alloc(16) }] }] }],
    }).finish();
    expect((await send(port, '/v1/traces', Buffer.from(mixed), PROTOBUF)).status).toBe(200);
    expect(observed.map((o) => [o.items, o.rejected, o.reason])).toEqual([
      [1, 2, 'trace_limit'],
      [0, 3, 'partial'],
    ]);
  });

  it('answers 503 with Retry-After and RetryInfo on backpressure, 500 without on other consumer errors', async () => {
    const busy = await start(new ErroringConsumer(() => new BackpressureError('queue full', 7)));
    const answer = await send(busy.port, '/v1/traces', TRACES_PB, PROTOBUF);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('7');
    expect(decodeStatus(answer.body)).toEqual({ code: 14, message: 'queue full', retryDelaySeconds: 7 });
    const json = await send(busy.port, '/v1/traces', TRACES_JSON, JSON_TYPE);
    expect(JSON.parse(json.body.toString()).details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }]);

    const broken = await start(new ErroringConsumer(() => new Error('disk I/O error')));
    const failed = await send(broken.port, '/v1/logs', Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}'), JSON_TYPE);
    expect(failed.status).toBe(500);
    expect(failed.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(failed.body.toString())).toEqual({ code: 13, message: 'disk I/O error', details: [] });
  });

  it('tells the observer about each request', async () => {
    const observed: RequestInfo[] = [];
    const { port } = await start(new RecordingConsumer(), undefined, observed);
    await send(port, '/v1/traces', TRACES_PB, PROTOBUF);
    await send(port, '/v1/logs', Buffer.from('[1]'), JSON_TYPE);
    expect(observed.map(({ durationMs, ...rest }) => rest)).toEqual([
      { transport: 'http', signal: 'traces', status: 200, items: 3, rejected: 0, reason: undefined },
      { transport: 'http', signal: 'logs', status: 400, items: 0, rejected: 0, reason: 'decode' },
    ]);
    expect(observed.every((o) => o.durationMs >= 0)).toBe(true);
  });

  it('waits for requests in flight on stop, then refuses connections; nothing is delivered after stop', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const recorder = new RecordingConsumer();
    const slow: OtlpConsumer = {
      consumeTraces: async (batch) => (await gate, recorder.consumeTraces(batch)),
      consumeLogs: (batch) => recorder.consumeLogs(batch),
    };
    const { port, receiver } = await start(slow);
    const inFlight = send(port, '/v1/traces', TRACES_PB, PROTOBUF);
    await new Promise((r) => setTimeout(r, 100));
    let stopped = false;
    const stopping = receiver.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    expect((await inFlight).status).toBe(200);
    await stopping;
    expect(recorder.spans()).toHaveLength(3);
    await expect(send(port, '/v1/traces', TRACES_PB, PROTOBUF)).rejects.toThrow(/ECONNREFUSED/);
    expect(recorder.spans()).toHaveLength(3);
  });
});

describe('OTLP/HTTP receiver with the SDK exporter', () => {
  it('is retried through 503 + Retry-After until the spans are accepted', async () => {
    const consumer = new ErroringConsumer(() => new BackpressureError('write queue full', 0), 2);
    const { port } = await start(consumer);
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
    await exporter.shutdown();
    expect(result.error).toBeUndefined();
    expect(consumer.failed).toBe(2);
    expect(consumer.spans()).toHaveLength(3);
  });
});

describe.skipIf(zstdMissing)('OTLP/HTTP zstd bodies', () => {
  it('accepts zstd protobuf and JSON, at any level', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    expect((await send(port, '/v1/traces', zstd(TRACES_PB), { ...PROTOBUF, 'Content-Encoding': 'zstd' })).status).toBe(200);
    expect((await send(port, '/v1/traces', zstd(TRACES_JSON, '-19'), { ...JSON_TYPE, 'Content-Encoding': 'ZSTD' })).status).toBe(200);
    expect(consumer.spans()).toHaveLength(6);
  });

  it('refuses a body that does not match its content checksum, frame by frame', async () => {
    const consumer = new RecordingConsumer();
    const { port } = await start(consumer);
    // Two frames (protobuf messages concatenated are one message): the second's checksum, its last 4 bytes, altered.
    const framed = Buffer.concat([zstd(TRACES_PB), zstd(TRACES_PB)]);
    expect((await send(port, '/v1/traces', framed, { ...PROTOBUF, 'Content-Encoding': 'zstd' })).status).toBe(200);
    expect(consumer.spans()).toHaveLength(6);
    framed[framed.length - 1]! ^= 0x01;
    const answer = await send(port, '/v1/traces', framed, { ...PROTOBUF, 'Content-Encoding': 'zstd' });
    expect(answer.status).toBe(400);
    expect(decodeStatus(answer.body).message).toBe('zstd: a frame does not match its content checksum: the body is corrupt');
    expect(consumer.spans()).toHaveLength(6);
  });

  it.each([
    // Window descriptor exponent 21: a 2 GiB window.
    ['a window of 2 GiB', [0x00, 21 << 3], "zstd: a frame's window of 2147483648 bytes, larger than the 8388608 bytes decoded at most"],
    // Single segment (the window is the content), 8-byte content size 2^31.
    ['2 GiB of content', [0xe0, 0, 0, 0, 0x80, 0, 0, 0, 0], 'zstd: a frame of 2147483648 bytes, larger than the limit of 65536 bytes'],
  ])('refuses a frame asking for %s before decoding it, which would allocate it', async (_, header, message) => {
    const { port } = await start(new RecordingConsumer(), 64 * 1024);
    // The magic, the header, then one empty raw block: decoded, an empty request.
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, ...header, 0x01, 0x00, 0x00]);
    const answer = await send(port, '/v1/traces', frame, { ...PROTOBUF, 'Content-Encoding': 'zstd' });
    expect(answer.status).toBe(413);
    expect(decodeStatus(answer.body).message).toBe(message);
  });
});
