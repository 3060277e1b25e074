// `npm run loadtest -- --otlp-http http://127.0.0.1:4318 --api http://127.0.0.1:9470`: a load test against an agent
// that is already running, however it was started and configured (the bench starts its own). It sends the bench's
// SDK-made requests of 1,000 workflow spans from concurrent clients for a while, then says how many spans per
// second went in end to end, the latency, how many requests were refused, whether every acknowledged run is
// listed by the API, and the ratio to protobufjs' decode-only rate of the same payloads measured here.
// Options: --otlp-http URL | --otlp-grpc HOST:PORT, --api URL, --token T (ingest and API), --clients 4,
// --seconds 10 (after 2 s of warm-up), --rate N (spans/s, paced: the latency at a rate you expect; as fast as
// answered without it). Exits 1 if a request was refused or a run is missing. The runs land in the 20 hours before now (more past now for long tests), under workflows
// `pipeline-0` … `pipeline-999`, with ids of their own each time.
import { randomInt } from 'node:crypto';
import { optionsOrExit, usageExit } from './args.js';
import { grpcSender, httpSender, listedRuns, runLoad } from './load.js';
import { makeTemplates, requestStream, SPANS_PER_RUN } from './payloads.js';
import { oracleDecodeRate } from './references.js';

const RUNS_PER_REQUEST = 100;
const TEMPLATES = 10;

const USAGE =
  'usage: npm run loadtest -- --otlp-http URL | --otlp-grpc HOST:PORT [--api URL] [--token T] [--clients 4] [--seconds 10] [--rate N]';
const values = optionsOrExit('loadtest', USAGE, {
  'otlp-http': { type: 'string' },
  'otlp-grpc': { type: 'string' },
  api: { type: 'string' },
  token: { type: 'string' },
  clients: { type: 'string', default: '4' },
  seconds: { type: 'string', default: '10' },
  rate: { type: 'string' },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
if (!values['otlp-http'] === !values['otlp-grpc']) usageExit('loadtest', 'give one of --otlp-http URL or --otlp-grpc HOST:PORT', USAGE);
const rate = values.rate === undefined ? undefined : Number(values.rate);
if (!(clients >= 1) || !(seconds > 0) || (rate !== undefined && !(rate > 0))) usageExit('loadtest', '--clients, --seconds and --rate must be positive numbers', USAGE);
const headers = values.token ? { Authorization: `Bearer ${values.token}` } : {};

const templates = await makeTemplates({ templates: TEMPLATES, runsPerRequest: RUNS_PER_REQUEST, nowMs: Date.now() });
const salt = randomInt(2 ** 32);
const before = values.api ? await listedRuns(values.api, headers) : 0;
const sender = values['otlp-http'] ? httpSender(values['otlp-http'], clients, headers) : grpcSender(values['otlp-grpc'], clients, headers);
const spansPerRequest = RUNS_PER_REQUEST * SPANS_PER_RUN;
const nextBody = requestStream(templates, salt);
const loadFor = (durationMs) => runLoad({ send: sender.send, nextBody, clients, durationMs, maxRequests: Infinity, rate });
// Two seconds not measured, for the agent's JIT and caches; their runs are checked with the others.
const warmUp = await loadFor(2_000);
const load = await loadFor(seconds * 1000);
sender.close();
const transport = values['otlp-http'] ? 'OTLP/HTTP' : 'OTLP/gRPC';
const reference = oracleDecodeRate(templates);
const line = (text) => process.stdout.write(`${text}\n`);
const n = (value) => Math.round(value).toLocaleString('en');
line(`${transport}, ${clients} clients${rate ? ` paced to ${n(rate)} spans/s` : ''}, ${load.seconds.toFixed(1)} s: ${n(load.perSecond)} spans/s end to end (${n(load.items)} spans acknowledged)`);
const failures = warmUp.failures + load.failures;
const lastError = load.lastError ?? warmUp.lastError;
line(`latency p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms; requests refused or failed: ${failures}${lastError ? ` (last: ${lastError.message})` : ''}`);
const ratio = rate ? '' : `; ingest ÷ that: ${(load.perSecond / reference).toFixed(2)}×`;
line(`protobufjs decode-only rate of the same payloads, here: ${n(reference)} spans/CPU-s${ratio}`);
if (values.api) {
  const acknowledged = ((warmUp.items + load.items) / spansPerRequest) * RUNS_PER_REQUEST;
  // The API lists runs a moment after they are acknowledged at most; it is asked until the count settles.
  let stored = 0;
  for (let i = 0; i < 10 && stored < acknowledged; i++) {
    stored = (await listedRuns(values.api, headers)) - before;
    if (stored < acknowledged) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  line(`runs listed by the API ÷ runs acknowledged: ${n(stored)} / ${n(acknowledged)} = ${(stored / acknowledged).toFixed(2)}×`);
  if (stored < acknowledged || failures > 0) process.exitCode = 1;
} else if (failures > 0) process.exitCode = 1;
