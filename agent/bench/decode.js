// OTLP decode and receive benchmark: spans per CPU-second for the hand-written protobuf and JSON decoders
// against the warmed-up protobufjs decoder generated from the OTLP protos, and end to end through the HTTP
// receiver. Run `npx tsc -p agent/tsconfig.build.json` first; `node agent/bench/decode.js` runs it on its own.
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { trace, context } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeTraceRequestJson } from '../dist/decode/trace/json.js';
import { decodeTraceRequestProto } from '../dist/decode/trace/protobuf.js';
import { createHttpReceiver } from '../dist/receive/http-receiver.js';

const require = createRequire(import.meta.url);
const oracle = require('otlp-oracle/build/src/generated/root.js').opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const SPANS_PER_REQUEST = 1000;
const END_TO_END_TARGET = 150_000;

/** One SDK-serialised request of CI-step-shaped spans (a few attributes and one event each). */
function sdkPayloads() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'ci-runner', 'cicd.pipeline.name': 'build-and-test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  const t0 = Date.UTC(2026, 0, 1);
  const root = tracer.startSpan('workflow bulk', { startTime: t0 });
  const parent = trace.setSpan(context.active(), root);
  for (let i = 1; i < SPANS_PER_REQUEST; i++) {
    const attributes = { 'cicd.pipeline.task.name': `task-${i % 17}`, 'step.index': i, 'step.cached': i % 2 === 0, 'http.url': `https://ci.example.com/jobs/${i}/logs` };
    const span = tracer.startSpan(`step ${i % 17}`, { startTime: t0 + i, attributes }, parent);
    span.addEvent('log', { message: `line ${i}` }, t0 + i + 0.5);
    span.end(t0 + i + 1);
  }
  root.end(t0 + SPANS_PER_REQUEST + 1);
  const spans = exporter.getFinishedSpans();
  return { protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)), json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)) };
}

/**
 * What a receiver built on protobufjs would also have to do: turn its messages (bytes ids, int64 times,
 * KeyValue lists) into the model the hand-written decoder yields directly.
 */
function protobufjsToModel(bytes) {
  const hex = (b) => (b && b.length ? Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex') : '');
  const value = (v) =>
    v.stringValue ?? v.boolValue ?? (v.intValue != null ? Number(v.intValue) : undefined) ?? v.doubleValue ?? (v.arrayValue ? v.arrayValue.values.map(value) : v.kvlistValue ? attributes(v.kvlistValue.values) : null);
  const attributes = (list) => {
    const out = {};
    for (const kv of list) out[kv.key] = kv.value ? value(kv.value) : null;
    return out;
  };
  const ms = (nanos) => Number(nanos) / 1e6;
  return oracle.decode(bytes).resourceSpans.map((rs) => {
    const resource = attributes(rs.resource?.attributes ?? []);
    return rs.scopeSpans.map((ss) =>
      ss.spans.map((s) => ({
        traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId), name: s.name, kind: s.kind,
        startMs: ms(s.startTimeUnixNano), endMs: ms(s.endTimeUnixNano), attributes: attributes(s.attributes),
        statusCode: s.status?.code ?? 0, statusMessage: s.status?.message ?? '',
        events: s.events.map((e) => ({ name: e.name, timeMs: ms(e.timeUnixNano), attributes: attributes(e.attributes) })),
        resource, scopeName: ss.scope?.name ?? '',
      })),
    );
  });
}

/** Spans per CPU-second (single-threaded, so per core), best of a few rounds after a warm-up. */
function decodeRate(decode, payload, rounds = 5, iterations = 200) {
  for (let i = 0; i < iterations; i++) decode(payload);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) decode(payload);
    const cpu = process.cpuUsage(cpu0);
    best = Math.max(best, (iterations * SPANS_PER_REQUEST) / ((cpu.user + cpu.system) / 1e6));
  }
  return best;
}

function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Spans per CPU-second through the HTTP receiver (socket, body, decode, consumer, reply) with a consumer that
 * accepts at once. The client runs in the same process, so its CPU time counts too: a conservative figure.
 */
async function endToEndRate(payload, requests = 300, concurrency = 4) {
  const receiver = createHttpReceiver({ port: 0 }, { consumeTraces: async () => ({ rejected: 0 }), consumeLogs: async () => ({ rejected: 0 }) });
  const { port } = await receiver.start();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const run = async (n) => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < n) await post(agent, port, payload);
    }));
  };
  await run(50);
  const cpu0 = process.cpuUsage();
  await run(requests);
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  await receiver.stop();
  return (requests * SPANS_PER_REQUEST) / ((cpu.user + cpu.system) / 1e6);
}

export async function benchDecode() {
  const payloads = sdkPayloads();
  const reference = decodeRate((b) => oracle.decode(b), payloads.protobuf);
  const referenceToModel = decodeRate(protobufjsToModel, payloads.protobuf);
  const protobuf = decodeRate(decodeTraceRequestProto, payloads.protobuf);
  const json = decodeRate(decodeTraceRequestJson, payloads.json, 3, 50);
  const endToEnd = await endToEndRate(payloads.protobuf);
  const round = (n) => Math.round(n);
  return [
    { name: 'OTLP protobuf decode, 1,000-span requests (vs protobufjs generated decoder)', value: round(protobuf), unit: 'spans/s', reference: round(reference), ratio: protobuf / reference },
    { name: 'OTLP protobuf decode to the model (vs protobufjs decode + conversion to the model)', value: round(protobuf), unit: 'spans/s', reference: round(referenceToModel), ratio: protobuf / referenceToModel },
    { name: 'OTLP/JSON decode, 1,000-span requests', value: round(json), unit: 'spans/s' },
    { name: 'OTLP/HTTP protobuf end to end, receiver and client on one core (vs target)', value: round(endToEnd), unit: 'spans/s', reference: END_TO_END_TARGET, ratio: endToEnd / END_TO_END_TARGET },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await benchDecode();
  console.table(rows.map((r) => ({ ...r, ratio: r.ratio === undefined ? '' : r.ratio.toFixed(2) })));
}
