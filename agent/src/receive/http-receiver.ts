/**
 * OTLP/HTTP receiver: POST /v1/traces and /v1/logs in protobuf or JSON, optionally gzipped, answered in the
 * request's encoding. Plain node:http rather than the API's Hono stack: this is the hot path, and every layer
 * between the socket and the decoder costs throughput.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { codecFor, jsonCodec, SUPPORTED_CONTENT_TYPES, type OtlpCodec, type Signal } from '../decode/index.js';
import { DEFAULT_HTTP_PORT, MAX_IN_FLIGHT, receiverConfig, tenantOf, type Receiver, type ReceiverSettings } from './config.js';
import type { OtlpConsumer } from './consumer.js';
import { BodyTooLargeError, errorReply, GrpcCode } from './errors.js';
import { exportLogs, exportTraces, type ExportResult } from './export.js';
import { decodeContent, isSupportedEncoding, readBody, SUPPORTED_ENCODINGS } from './http-body.js';
import type { FailureReason } from './observer.js';

const PATHS: Readonly<Record<string, Signal>> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };

/** How long a shutdown waits for requests in flight. */
const DRAIN_GRACE_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A reply that ends a request early, before or instead of decoding. */
class HttpReply {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    readonly message: string,
    readonly reason: FailureReason,
    readonly retryAfterSeconds?: number,
    readonly headers: Record<string, string> = {},
  ) {}

  /** Retry-After only on the retryable statuses (429, 503), as the Collector tests; Connection: close to end a bad upload. */
  responseHeaders(close: boolean): Record<string, string> {
    const headers = { ...this.headers };
    if (this.retryAfterSeconds !== undefined && (this.status === 429 || this.status === 503)) {
      headers['Retry-After'] = String(Math.ceil(this.retryAfterSeconds));
    }
    if (close) headers.Connection = 'close';
    return headers;
  }
}

export function createHttpReceiver(settings: ReceiverSettings, consumer: OtlpConsumer): Receiver {
  const { host, port, maxBodyBytes, requestTimeoutMs } = receiverConfig(settings, DEFAULT_HTTP_PORT);
  const observer = settings.observer;
  let server: Server | undefined;
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const signal = PATHS[pathOf(req.url)];
    let codec: OtlpCodec | undefined;
    let result: ExportResult | undefined;
    let status = 200;
    let reason: FailureReason | undefined;
    // Items decoded but then refused (backpressure, store failure) count as rejected in the metrics.
    let decoded = 0;
    try {
      codec = codecFor(req.headers['content-type']);
      const accepted = accept(req, signal, codec, maxBodyBytes, stopping);
      const context = { tenant: tenantOf(settings.authenticate, req.headers.authorization) };
      const body = await decodeContent(await readBody(req, maxBodyBytes), accepted.encoding, maxBodyBytes);
      if (accepted.signal === 'traces') {
        const batch = accepted.codec.decodeTraces(body);
        decoded = batch.spanCount;
        result = await exportTraces(consumer, batch, context);
      } else {
        const batch = accepted.codec.decodeLogs(body);
        decoded = batch.recordCount;
        result = await exportLogs(consumer, batch, context);
      }
      reason = result.reason;
      send(res, 200, accepted.codec.contentType, accepted.codec.exportResponse(accepted.signal, result));
    } catch (error) {
      if (req.destroyed && !req.complete) {
        // The connection went before the body was read whole: nobody to answer, and nothing wrong with the agent. Cut
        // off past the request timeout (Node answered 408), by a chunk Node could not read (it answered 400; the
        // request sees only the abort), or left by its sender; or ended by a stop.
        [status, reason] = stopping ? [503, 'shutting_down'] : [408, 'incomplete'];
        return;
      }
      const reply = error instanceof HttpReply ? error : toReply(error);
      status = reply.status;
      reason = reply.reason;
      const replyCodec = codec ?? jsonCodec;
      const body = replyCodec.status({ code: reply.grpcCode, message: reply.message, retryDelaySeconds: reply.retryAfterSeconds });
      send(res, reply.status, replyCodec.contentType, body, reply.responseHeaders(stopping || reply.status === 413 || reply.status === 401));
    } finally {
      observer?.requestDone({
        transport: 'http',
        signal,
        status,
        items: result?.accepted ?? 0,
        rejected: result?.rejected ?? decoded,
        reason,
        durationMs: performance.now() - started,
      });
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (inFlight >= MAX_IN_FLIGHT) {
      // Bodies are read into memory: past this many at once, refuse before reading rather than grow without bound.
      const codec = codecFor(req.headers['content-type']) ?? jsonCodec;
      const body = codec.status({ code: GrpcCode.UNAVAILABLE, message: `too many requests in flight (${MAX_IN_FLIGHT}); retry later`, retryDelaySeconds: 1 });
      send(res, 503, codec.contentType, body, { 'Retry-After': '1', Connection: 'close' });
      observer?.requestDone({ transport: 'http', signal: PATHS[pathOf(req.url)], status: 503, items: 0, rejected: 0, reason: 'backpressure', durationMs: 0 });
      return;
    }
    inFlight++;
    handle(req, res).finally(() => {
      if (--inFlight === 0) drained?.();
    });
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        // Node checks the request timeout every `connectionsCheckingInterval` (30 s by default): a second keeps a
        // stalled upload's slot from outliving its timeout by much.
        const options = {
          keepAliveTimeout: 30_000,
          requestTimeout: requestTimeoutMs,
          headersTimeout: Math.min(requestTimeoutMs, 10_000),
          connectionsCheckingInterval: Math.min(requestTimeoutMs, 1_000),
        };
        const s = settings.tls ? createHttpsServer({ ...options, cert: settings.tls.cert, key: settings.tls.key }, onRequest) : createServer(options, onRequest);
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          server = s;
          resolve({ port: (s.address() as AddressInfo).port });
        });
      });
    },
    async stop() {
      const s = server;
      if (!s) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeIdleConnections();
      // A sender that never finishes its body must not hold the shutdown: after the grace period its
      // unacknowledged request is cut off, and the exporter sends it again.
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), sleep(DRAIN_GRACE_MS)]);
      s.closeAllConnections();
      await closed;
      server = undefined;
    },
  };
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

interface Accepted {
  signal: Signal;
  codec: OtlpCodec;
  encoding: string;
}

/** Checks all that can be refused from the request line and headers alone; throws the HttpReply to send. */
function accept(req: IncomingMessage, signal: Signal | undefined, codec: OtlpCodec | undefined, limit: number, stopping: boolean): Accepted {
  if (!signal) throw new HttpReply(404, GrpcCode.NOT_FOUND, `unknown path ${pathOf(req.url)}, use /v1/traces or /v1/logs`, 'not_found');
  if (req.method !== 'POST') {
    throw new HttpReply(405, GrpcCode.UNIMPLEMENTED, `method ${req.method} not allowed, use POST`, 'method_not_allowed', undefined, { Allow: 'POST' });
  }
  if (!codec) {
    throw new HttpReply(
      415,
      GrpcCode.INVALID_ARGUMENT,
      `unsupported media type ${JSON.stringify(req.headers['content-type'] ?? '')}, supported: [${SUPPORTED_CONTENT_TYPES.join(', ')}]`,
      'unsupported_media_type',
    );
  }
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!isSupportedEncoding(encoding)) {
    // RFC 9110 §15.5.16: an unsupported content coding is 415 (the Collector answers 400).
    const message = `unsupported Content-Encoding ${JSON.stringify(encoding)}, supported: [${SUPPORTED_ENCODINGS.join(', ')}]`;
    throw new HttpReply(415, GrpcCode.INVALID_ARGUMENT, message, 'unsupported_encoding');
  }
  if (Number(req.headers['content-length'] ?? 0) > limit) throw toReply(new BodyTooLargeError(limit));
  if (stopping) throw new HttpReply(503, GrpcCode.UNAVAILABLE, 'receiver is shutting down', 'shutting_down', 1);
  return { signal, codec, encoding };
}

function toReply(error: unknown): HttpReply {
  const reply = errorReply(error);
  const headers: Record<string, string> = reply.httpStatus === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  return new HttpReply(reply.httpStatus, reply.grpcCode, reply.message, reply.reason, reply.retryAfterSeconds, headers);
}

function send(res: ServerResponse, status: number, contentType: string, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length, ...headers });
  res.end(body);
}
