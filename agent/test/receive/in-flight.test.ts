import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpReceiver } from '../../src/receive/http-receiver.js';
import type { Receiver } from '../../src/receive/config.js';
import { decodeStatus } from './rpc-status.js';
import { RecordingConsumer } from './sinks.js';

describe('requests in flight are bounded', () => {
  let receiver: Receiver;
  let port: number;
  const stalled: ReturnType<typeof request>[] = [];
  const post = () => fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  beforeAll(async () => {
    receiver = createHttpReceiver({ host: '127.0.0.1', port: 0 }, new RecordingConsumer());
    port = (await receiver.start()).port;
  });
  afterAll(async () => {
    for (const req of stalled) req.destroy();
    await receiver.stop();
  });

  it("answers 503 with Retry-After, in the request's encoding, once 64 uploads are being read, and serves again when they end", async () => {
    // 64 uploads that announce a body and never finish it hold every slot.
    for (let i = 0; i < 64; i++) {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
      req.on('error', () => {});
      req.write('{');
      stalled.push(req);
    }
    // The stalled uploads reach the server in their own time: ask until they all hold their slots (bounded).
    let refused = await post();
    for (let attempt = 0; refused.status !== 503 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      refused = await post();
    }
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toBe('application/json');
    expect((await refused.json()).message).toMatch(/too many requests in flight/);
    const protobuf = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array() });
    expect([protobuf.status, protobuf.headers.get('content-type')]).toEqual([503, 'application/x-protobuf']);
    expect(decodeStatus(new Uint8Array(await protobuf.arrayBuffer()))).toEqual({ code: 14, message: 'too many requests in flight (64); retry later', retryDelaySeconds: 1 });

    for (const req of stalled.splice(0)) req.destroy();
    let served = await post();
    for (let attempt = 0; served.status !== 200 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      served = await post();
    }
    expect(served.status).toBe(200);
  });

  it('gives the slots of uploads stalled past the request timeout back, answering them 408', async () => {
    const done: { status: number; reason?: string }[] = [];
    const observer = { requestDone: ({ status, reason }: { status: number; reason?: string }) => done.push({ status, reason }) };
    const short = createHttpReceiver({ host: '127.0.0.1', port: 0, requestTimeoutMs: 800, observer }, new RecordingConsumer());
    const { port: shortPort } = await short.start();
    try {
      const answers: Promise<number>[] = [];
      for (let i = 0; i < 64; i++) {
        const req = request({ host: '127.0.0.1', port: shortPort, method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
        answers.push(new Promise((resolve) => (req.on('response', (res) => resolve(res.statusCode!)), req.on('error', () => resolve(0)))));
        req.write('{');
        stalled.push(req);
      }
      const send = () => fetch(`http://127.0.0.1:${shortPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      let refused = await send();
      for (let attempt = 0; refused.status !== 503 && attempt < 50; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        refused = await send();
      }
      expect(refused.status).toBe(503);
      // Within the timeout and a check of the connections after it, every stalled upload is answered and the slots free.
      expect(new Set(await Promise.all(answers))).toEqual(new Set([408]));
      expect((await send()).status).toBe(200);
      // Counted as cut off, not as the agent failing (a 500 would point at the store), once the server has seen each go.
      for (let i = 0; i < 100 && done.filter((d) => d.status === 408).length < 64; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(done.filter((d) => d.status !== 503 && d.status !== 200)).toEqual(Array.from({ length: 64 }, () => ({ status: 408, reason: 'incomplete' })));
    } finally {
      await short.stop();
    }
  });
});
