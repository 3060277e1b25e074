import { Client, credentials, Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { sampleValue } from '../helpers/metrics.js';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** A request refused whole is counted even when none of its items could be read. */
describe('OTLP requests refused whole, in the metrics', () => {
  let agent: TestAgent;
  let text = '';
  const post = async (path: string, contentType: string, body: string | Blob) =>
    (await fetch(`${agent.otlpHttpUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body })).status;
  const grpcExport = (request: Buffer) => {
    const client = new Client(agent.otlpGrpcAddress!, credentials.createInsecure());
    return new Promise<number>((resolve) => {
      client.makeUnaryRequest(TRACE_EXPORT, (b: Buffer) => b, (b: Buffer) => b, request, new Metadata(), (error) => resolve(error ? error.code : grpcStatus.OK));
    }).finally(() => client.close());
  };

  beforeAll(async () => {
    agent = await startTestAgent({ otlp: { http: '127.0.0.1:0', grpc: '127.0.0.1:0', maxBodySize: '1KiB', requestTimeout: '1s' } });
    // An upload that stalls after a few bytes is answered 408 once the request timeout has passed.
    const { hostname, port } = new URL(agent.otlpHttpUrl!);
    const stalled = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(reply));
      // The timeout configured is a second: well past it, the upload would still be held (Node's own is minutes).
      setTimeout(() => (socket.destroy(), resolve('no answer within 5 s')), 5_000).unref();
      socket.write('POST /v1/traces HTTP/1.1\r\nHost: flowlens\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resource');
    });
    expect(stalled).toMatch(/^HTTP\/1\.1 408 /);
    expect(await post('/v1/traces', 'application/json', '{"resourceSpans": [')).toBe(400);
    expect(await post('/v1/traces', 'application/json', '{"resourceSpans": [')).toBe(400);
    expect(await post('/v1/traces', 'text/plain', 'hello')).toBe(415);
    expect(await post('/v1/logs', 'application/x-protobuf', new Blob([new Uint8Array(4096)]))).toBe(413);
    expect(await post('/v1/traces', 'application/json', '{}')).toBe(200);
    expect(await grpcExport(Buffer.from([0x0a, 0x7f, 0x01]))).toBe(grpcStatus.INVALID_ARGUMENT);
    // The agent counts the stalled upload once it has seen it go.
    for (let i = 0; i < 50 && !text.includes('reason="incomplete"'); i++) {
      text = await (await fetch(`${agent.apiUrl}/metrics`)).text();
      if (!text.includes('reason="incomplete"')) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(() => agent.close());

  it('counts each under its transport, signal and reason', () => {
    const requests = (...labels: string[]) => sampleValue(text, 'flowlens_rejected_requests_total', ...labels);
    expect(requests('transport="http"', 'signal="traces"', 'reason="decode"')).toBe(2);
    expect(requests('transport="http"', 'signal="traces"', 'reason="unsupported_media_type"')).toBe(1);
    expect(requests('transport="http"', 'signal="logs"', 'reason="too_large"')).toBe(1);
    expect(requests('transport="grpc"', 'signal="traces"', 'reason="decode"')).toBe(1);
    expect(requests('transport="http"', 'signal="traces"', 'reason="incomplete"')).toBe(1);
    // The empty request was taken.
    expect(text.match(/^flowlens_rejected_requests_total\{/gm)).toHaveLength(5);
  });

  it('counts no span or log record it could not read', () => {
    expect(text).not.toMatch(/^flowlens_rejected_(spans|log_records)_total\{/m);
  });
});
