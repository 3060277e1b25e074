/**
 * OTLP/gRPC calls in flight are bounded across connections, and a call whose message stalls is answered and its
 * slot given back: raw HTTP/2 streams that announce a message and never finish it, as a stalled sender leaves them.
 */
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../../src/receive/config.js';
import { createGrpcReceiver } from '../../src/receive/grpc-receiver.js';
import type { RequestInfo } from '../../src/receive/observer.js';
import { decodeStatus } from './rpc-status.js';
import { RecordingConsumer } from './sinks.js';

const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const done of cleanup.reverse()) await done();
  cleanup = [];
});

async function start(requestTimeoutMs: number, observed: RequestInfo[]) {
  const receiver: Receiver = createGrpcReceiver({ port: 0, requestTimeoutMs, observer: { requestDone: (i) => observed.push(i) } }, new RecordingConsumer());
  const { port } = await receiver.start();
  cleanup.push(() => receiver.stop());
  return port;
}

interface Stalled {
  stream: ClientHttp2Stream;
  /** grpc-status and grpc-message, from the trailers or a trailers-only answer. */
  answer: Promise<{ status: string; message: string }>;
}

/** A session whose `count` calls each announce a 100,000-byte message, send 10 bytes of it and stall. */
function stalledCalls(port: number, count: number): { session: ClientHttp2Session; calls: Stalled[] } {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  cleanup.push(() => void session.destroy());
  const frame = Buffer.alloc(15);
  frame.writeUInt32BE(100_000, 1);
  const calls = Array.from({ length: count }, () => {
    const stream = session.request({ ':method': 'POST', ':path': TRACE_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.write(frame);
    const answer = new Promise<{ status: string; message: string }>((resolve) => {
      const take = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] !== undefined) resolve({ status: String(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'] ?? '')) });
      };
      stream.on('response', take);
      stream.on('trailers', take);
    });
    return { stream, answer };
  });
  return { session, calls };
}

function call(port: number): Promise<ServiceError | undefined> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  cleanup.push(() => client.close());
  return new Promise((resolve) => {
    client.makeUnaryRequest(TRACE_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new Metadata(), (error) => resolve(error ?? undefined));
  });
}

describe('OTLP/gRPC calls in flight', () => {
  it('answers a call whose message stalls past the request timeout DEADLINE_EXCEEDED, counted as incomplete', async () => {
    const observed: RequestInfo[] = [];
    const port = await start(800, observed);
    const { calls } = stalledCalls(port, 3);
    const answers = await Promise.all(calls.map((c) => c.answer));
    expect(answers).toEqual(Array.from({ length: 3 }, () => ({ status: String(status.DEADLINE_EXCEEDED), message: 'the request did not arrive whole within 0.8 s' })));
    expect(observed.map((o) => [o.signal, o.status, o.reason])).toEqual(Array.from({ length: 3 }, () => ['traces', status.DEADLINE_EXCEEDED, 'incomplete']));
    // The streams are closed, not left half open holding what was sent.
    const closed = await Promise.all(calls.map((c) => new Promise<boolean>((resolve) => (c.stream.closed ? resolve(true) : (c.stream.once('close', () => resolve(true)), setTimeout(() => resolve(false), 2_000))))));
    expect(closed).toEqual([true, true, true]);
    // A sender that keeps to time is served as before.
    expect(await call(port)).toBeUndefined();
  });

  it('refuses calls past 64 in flight across all connections with UNAVAILABLE and RetryInfo, and serves again when they end', async () => {
    const observed: RequestInfo[] = [];
    const port = await start(60_000, observed);
    // Three connections of 30 stalled calls each: within the per-connection limit, past the receiver's.
    const held = [stalledCalls(port, 30), stalledCalls(port, 30), stalledCalls(port, 30)];
    const refusedStalled = await Promise.race([
      Promise.all(held.flatMap((h) => h.calls.map((c) => c.answer))),
      new Promise<{ status: string }[]>((resolve) => setTimeout(() => resolve([]), 3_000)),
    ]);
    // The whole set never answers (64 of them stall on): what answered within 3 s is read from the observer.
    expect(refusedStalled).toEqual([]);
    for (let i = 0; i < 100 && observed.length < 26; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(observed.map((o) => [o.status, o.reason])).toEqual(Array.from({ length: 26 }, () => [status.UNAVAILABLE, 'backpressure']));

    // The refused ones are closed too: their senders stop sending.
    const answered = await Promise.all(held.flatMap((h) => h.calls).map((c) => (c.stream.closed ? true : new Promise<boolean>((resolve) => setTimeout(() => resolve(c.stream.closed), 200)))));
    expect(answered.filter(Boolean)).toHaveLength(26);

    const refused = await call(port);
    expect(refused?.code).toBe(status.UNAVAILABLE);
    expect(refused?.details).toBe('too many requests in flight (64); retry later');
    expect(decodeStatus(refused!.metadata.get('grpc-status-details-bin')[0] as Buffer)).toMatchObject({ code: status.UNAVAILABLE, retryDelaySeconds: 1 });

    for (const h of held) h.session.destroy();
    let served = await call(port);
    for (let attempt = 0; served !== undefined && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      served = await call(port);
    }
    expect(served).toBeUndefined();
  });
});
