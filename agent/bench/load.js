// Load generators for the OTLP receivers: concurrent clients sending export requests either as fast as the
// agent answers (closed loop) or paced to a target rate, recording per-request latency.
import { Agent, request } from 'node:http';
import grpc from '@grpc/grpc-js';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** An OTLP/HTTP protobuf sender over `clients` keep-alive connections. */
export function httpSender(baseUrl, clients, headers = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL('/v1/traces', baseUrl);
  const send = (body) =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
        (res) => {
          res.resume();
          res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * An OTLP/gRPC sender: one grpc-js client per concurrent caller (each its own HTTP/2 connection), with a
 * hand-made method definition that passes the already serialised request through.
 */
export function grpcSender(address, clients, headers = {}) {
  const pool = Array.from({ length: clients }, () => new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
  let next = 0;
  const pass = (bytes) => bytes;
  const send = (body) =>
    new Promise((resolve, reject) => {
      pool[next++ % pool.length].makeUnaryRequest(TRACE_EXPORT, pass, pass, body, metadata, (error) => (error ? reject(error) : resolve()));
    });
  return { send, close: () => pool.forEach((client) => client.close()) };
}

/**
 * Runs `clients` concurrent callers until `maxRequests` were sent or `durationMs` passed. With `rate` (items/s
 * over all callers) each caller is paced to its share; without, each sends again as soon as it is answered.
 * `nextBody()` returns { bytes, items }. Failed requests are counted, not retried.
 */
export async function runLoad({ send, nextBody, clients, durationMs, maxRequests, rate }) {
  const latencies = [];
  let items = 0;
  let failures = 0;
  let lastError;
  let issued = 0;
  const start = performance.now();
  const end = start + durationMs;
  const caller = async (index) => {
    let due;
    while (issued < maxRequests && performance.now() < end) {
      issued++;
      const body = nextBody();
      if (rate) {
        // Callers start evenly out of phase, as independent senders would, rather than in bursts of `clients`.
        due ??= start + (index * body.items * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        due += (body.items * clients * 1000) / rate;
      }
      const sent = performance.now();
      try {
        await send(body.bytes);
        latencies.push(performance.now() - sent);
        items += body.items;
      } catch (error) {
        failures++;
        lastError = error;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => caller(index)));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { items, perSecond: items / seconds, seconds, requests: latencies.length, failures, lastError, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99) };
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Finished runs the agent's API lists over all time: the bench's runs reach past the wall clock. */
export async function listedRuns(apiUrl, headers = {}) {
  const to = Date.now() + 365 * 86_400_000;
  const response = await fetch(new URL(`/api/v1/workflows?from=0&to=${to}`, apiUrl), { headers });
  if (!response.ok) throw new Error(`GET /api/v1/workflows answered ${response.status}`);
  const { items } = await response.json();
  return items.reduce((sum, workflow) => sum + workflow.runs, 0);
}
