// `npm run bench`: FlowLens against the physical limits of the machine it runs on. Every figure is printed next
// to a reference measured in the same run, with the ratio and the project's target. The agent runs in its own
// process (`flowlens serve`), the load generator in this one, so each has a core. Progress goes to stderr, the
// table to stdout. `node agent/bench/run.js --profile` instead profiles the agent under ingest load (HTTP, gRPC)
// and while it serves the workflow list; `--only=api,memory` runs only the phases named.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startAgentProcess } from './agent-process.js';
import { optionsOrExit, usageExit } from './args.js';
import { runInChild } from './child.js';
import { grpcSender, httpSender, listedRuns, quantile, runLoad } from './load.js';
import { longTraceRequests, makeTemplates, requestStream, SPANS_PER_RUN, WORKFLOWS } from './payloads.js';
import { summariseProfile } from './profile.js';
import { agentDecodeRate, designFloorRates, oracleDecodeRate, sqliteInsertRate } from './references.js';
import { startSink } from './sink.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CLIENTS = 4;
const TEMPLATES = 10;
const RUNS_PER_REQUEST = 100;
const SPANS_PER_REQUEST = RUNS_PER_REQUEST * SPANS_PER_RUN;
/** Phases are bounded by time and by count, so the whole bench takes a few minutes. */
const MAX_LOAD = { durationMs: 8_000, maxRequests: 2_000 };
/** Long enough for a p99 over a few hundred requests: over the 150 of 6 s it was the second-worst one. */
const HALF_LOAD = { durationMs: 15_000, maxRequests: 2_000 };
const STORED_SPANS = 1_000_000;
const FILL_TIMEOUT_MS = 120_000;
const API_REQUESTS = 200;
const API_TIMEOUT_MS = 20_000;
const API_RUNS_PER_WORKFLOW = 20;
const LONG_TRACE_SPANS = 20_000;
const LONG_TRACE_PART = 10;
const RUN_DETAIL_REQUESTS = 20;

const TARGET = {
  ingest: { op: '≥', value: 150_000 },
  ofOracle: { op: '≥', value: 0.3 },
  p99: { op: '≤', value: 50 },
  rss: { op: '≤', value: 300 },
  analysis: { op: '≤', value: 2_000 },
  list: { op: '≤', value: 20 },
  none: { op: '≤', value: 0 },
  all: { op: '≥', value: 1 },
};

const progress = (message) => process.stderr.write(`${message}\n`);

/** Runs `work(agent)` against a fresh agent process with an empty store, and stops it after. */
async function withAgent(work, options) {
  const agent = await startAgentProcess(options);
  try {
    return await work(agent);
  } finally {
    await agent.stop();
  }
}

/** Full load, then half of it, on a fresh agent (an empty store), so both transports start alike. */
async function ingestPhase(transport, templates, refs, rows) {
  await withAgent(async (agent) => {
    const sender = transport === 'OTLP/HTTP' ? httpSender(agent.httpUrl, CLIENTS) : grpcSender(agent.grpcAddress, CLIENTS);
    const nextBody = requestStream(templates);
    const load = (options) => runLoad({ send: sender.send, nextBody, clients: CLIENTS, ...options });
    const warm = await load({ durationMs: 2_000, maxRequests: 40 }); // warm-up: JIT, connections
    const cpu0 = agent.cpuSeconds();
    const max = await load(MAX_LOAD);
    const agentCpu = agent.cpuSeconds() - cpu0;
    const half = await load({ ...HALF_LOAD, rate: max.perSecond / 2 });
    sender.close();
    const acknowledged = (warm.items + max.items + half.items) / SPANS_PER_RUN;
    const stored = await listedRuns(agent.apiUrl);
    progress(`${transport}: ${Math.round(max.perSecond)} spans/s (${max.requests} requests, ${max.failures} failed), agent CPU ${agentCpu.toFixed(1)} s; half load ${Math.round(half.perSecond)} spans/s, p99 ${half.p99.toFixed(1)} ms`);
    if (max.failures + half.failures > 0) progress(`  failures: ${max.failures + half.failures}, last: ${(max.lastError ?? half.lastError)?.message}`);
    const label = `${transport} protobuf ingest, ${CLIENTS} clients, end to end (decoded, modelled, committed)`;
    rows.push({ name: label, value: max.perSecond, unit: 'spans/s', reference: refs.oracle, referenceName: 'protobufjs decode only, per CPU-s', target: TARGET.ingest });
    rows.push({ name: `${transport} ingest ÷ reference decoder (target ratio)`, value: max.perSecond / refs.oracle, unit: '×', target: TARGET.ofOracle });
    rows.push({ name: `${transport} ingest per agent CPU-second`, value: max.items / agentCpu, unit: 'spans/CPU-s', reference: refs.sqlite, referenceName: 'SQLite insert alone' });
    rows.push({ name: `${transport} ingest per agent CPU-second vs the design's floor`, value: max.items / agentCpu, unit: 'spans/CPU-s', reference: refs.floor.both, referenceName: 'floor' });
    if (transport === 'OTLP/HTTP') rows.push({ name: `${transport} ingest vs a do-nothing HTTP sink`, value: max.perSecond, unit: 'spans/s', reference: refs.sink, referenceName: 'sink, same client' });
    rows.push({ name: `${transport} request latency p50 at max load`, value: max.p50, unit: 'ms' });
    rows.push({ name: `${transport} request latency p99 at max load`, value: max.p99, unit: 'ms' });
    rows.push({ name: `${transport} request latency p50 at half load (${Math.round(half.perSecond).toLocaleString('en')} spans/s)`, value: half.p50, unit: 'ms' });
    rows.push({ name: `${transport} request latency p99 at half load`, value: half.p99, unit: 'ms', target: TARGET.p99 });
    rows.push({ name: `${transport} requests refused or failed, all loads`, value: warm.failures + max.failures + half.failures, unit: 'requests', target: TARGET.none });
    rows.push({ name: `${transport} runs stored ÷ runs acknowledged (${acknowledged.toLocaleString('en')})`, value: stored / acknowledged, unit: '×', target: TARGET.all });
  });
}

/** Fills a fresh agent with STORED_SPANS spans over HTTP: the rate as the store grows, then its memory. */
async function memoryPhase(templates, rows) {
  await withAgent(async (agent) => {
    const sender = httpSender(agent.httpUrl, CLIENTS);
    const nextBody = requestStream(templates);
    const requests = STORED_SPANS / SPANS_PER_REQUEST;
    const early = await runLoad({ send: sender.send, nextBody, clients: CLIENTS, durationMs: FILL_TIMEOUT_MS, maxRequests: requests * 0.8 });
    const cpu0 = agent.cpuSeconds();
    const late = await runLoad({ send: sender.send, nextBody, clients: CLIENTS, durationMs: FILL_TIMEOUT_MS, maxRequests: requests * 0.2 });
    const lateCpu = agent.cpuSeconds() - cpu0;
    sender.close();
    const stored = early.items + late.items;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const memory = agent.memory();
    progress(`stored ${stored} spans (${Math.round(early.perSecond)} then ${Math.round(late.perSecond)} spans/s); agent RSS ${memory.rssMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB`);
    const spansLabel = `${(stored / 1e6).toFixed(2)}M spans`;
    rows.push({ name: `OTLP/HTTP ingest from 0.8M to ${spansLabel} stored`, value: late.perSecond, unit: 'spans/s', reference: early.perSecond, referenceName: `from 0 to 0.8M`, target: TARGET.ingest });
    rows.push({ name: `OTLP/HTTP ingest per agent CPU-second from 0.8M to ${spansLabel} stored`, value: late.items / lateCpu, unit: 'spans/CPU-s' });
    rows.push({ name: `agent RSS with ${spansLabel} stored`, value: memory.rssMb, unit: 'MB', target: TARGET.rss });
    rows.push({ name: `agent peak RSS (VmHWM) while ingesting ${spansLabel}`, value: memory.peakMb, unit: 'MB', target: TARGET.rss });
    // The WAL must start over under steady writes rather than grow with them (store-worker.ts).
    const storeMb = (suffix) => statSync(join(agent.dir, `flowlens.db${suffix}`)).size / 1_048_576;
    rows.push({ name: `store file / its WAL after ingesting ${spansLabel}`, value: storeMb('-wal'), unit: 'MB', reference: storeMb(''), referenceName: 'store file' });
    const list = await apiLatency([`${agent.apiUrl}/api/v1/workflows`], 20);
    rows.push({ name: `GET /api/v1/workflows p50 with ${spansLabel} (${stored / SPANS_PER_RUN / WORKFLOWS} runs per workflow, ${list.count} requests)`, value: list.p50, unit: 'ms' });
    await analysisUnderIngest(agent, nextBody, spansLabel, rows);
  });
}

/**
 * An analysis pass over the whole store (POST /api/v1/analyze) while one client keeps exporting, five requests a
 * second: how long the pass takes, how long a sender waits meanwhile at worst, and the agent's peak RSS after it.
 */
async function analysisUnderIngest(agent, nextBody, spansLabel, rows) {
  const sender = httpSender(agent.httpUrl, 1);
  const started = performance.now();
  let done = false;
  const pass = fetch(`${agent.apiUrl}/api/v1/analyze`, { method: 'POST' })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`POST /api/v1/analyze answered ${response.status}`))))
    .finally(() => (done = true));
  const waits = [];
  while (!done) {
    const at = performance.now();
    await sender.send(nextBody().bytes);
    waits.push(performance.now() - at);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const summary = await pass;
  const passMs = performance.now() - started;
  sender.close();
  const memory = agent.memory();
  progress(`analysis pass over ${summary.runs} runs: ${passMs.toFixed(0)} ms; ${waits.length} exports meanwhile, the longest ${Math.max(...waits).toFixed(0)} ms; peak RSS ${memory.peakMb.toFixed(0)} MB`);
  rows.push({ name: `analysis pass over the ${spansLabel} store (${summary.runs} runs) under ingest, POST /api/v1/analyze, wall`, value: passMs, unit: 'ms' });
  rows.push({ name: `… the longest OTLP/HTTP export meanwhile (${waits.length} requests of 1,000 spans, one client)`, value: Math.max(...waits), unit: 'ms' });
  rows.push({ name: `agent peak RSS (VmHWM) after that pass`, value: memory.peakMb, unit: 'MB', target: TARGET.rss });
}

/** Sequential GETs over `urls` in turn (each must answer 200); latency percentiles. */
async function apiLatency(urls, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const fetchOne = (url) =>
    new Promise((resolve, reject) => {
      get(url, { agent }, (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))));
      }).once('error', reject);
    });
  await fetchOne(urls[0]); // warm-up
  const latencies = [];
  const end = performance.now() + API_TIMEOUT_MS;
  for (let i = 0; i < count && performance.now() < end; i++) {
    const started = performance.now();
    await fetchOne(urls[i % urls.length]);
    latencies.push(performance.now() - started);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) };
}

/** Stores API_RUNS_PER_WORKFLOW runs of each of the WORKFLOWS workflows and checks the API lists them all. */
async function storeApiData(agent, templates) {
  const sender = httpSender(agent.httpUrl, CLIENTS);
  const requests = (WORKFLOWS * API_RUNS_PER_WORKFLOW) / RUNS_PER_REQUEST;
  const loaded = await runLoad({ send: sender.send, nextBody: requestStream(templates), clients: CLIENTS, durationMs: 120_000, maxRequests: requests });
  sender.close();
  if (loaded.requests !== requests) throw new Error(`storing the API data: ${loaded.failures} of ${requests} requests failed (${loaded.lastError?.message})`);
  const workflows = await (await fetch(`${agent.apiUrl}/api/v1/workflows`)).json();
  if (workflows.items.length !== WORKFLOWS) throw new Error(`expected ${WORKFLOWS} workflows, the API lists ${workflows.items.length}`);
}

/**
 * A long trace sent in small parts (a workflow of thousands of activities exported as it goes): each part continues
 * a trace already stored, which must not cost more and more, and the run must then be listed whole soon after.
 */
async function partsPhase(rows) {
  const requests = await longTraceRequests(LONG_TRACE_SPANS, Date.now() - 6 * 3_600_000, LONG_TRACE_PART);
  await withAgent(async (agent) => {
    const sender = httpSender(agent.httpUrl, 1);
    const latencies = [];
    const started = performance.now();
    for (const body of requests) {
      const at = performance.now();
      await sender.send(body);
      latencies.push(performance.now() - at);
    }
    const sent = performance.now();
    const seconds = (sent - started) / 1000;
    sender.close();
    const { runUrl } = await listedWhole(agent, 'long-1');
    const whole = performance.now() - sent;
    const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
    const tenth = Math.floor(requests.length / 10);
    const first = mean(latencies.slice(0, tenth));
    const last = mean(latencies.slice(-tenth));
    const what = `a ${LONG_TRACE_SPANS.toLocaleString('en')}-span trace sent ${LONG_TRACE_PART} spans a request`;
    progress(`${what}: ${(LONG_TRACE_SPANS / seconds).toFixed(0)} spans/s; first tenth ${first.toFixed(2)} ms, last tenth ${last.toFixed(2)} ms; whole run listed ${whole.toFixed(0)} ms after`);
    rows.push({ name: `OTLP/HTTP ${what}, one client`, value: LONG_TRACE_SPANS / seconds, unit: 'spans/s' });
    rows.push({ name: `… mean latency of its last tenth of requests ÷ its first tenth`, value: last, unit: 'ms', reference: first, referenceName: 'first tenth' });
    rows.push({ name: '… its run listed with every step, after the last request', value: whole, unit: 'ms' });
    // The run's page as the Grafana app asks for it, against every step.
    const all = await apiLatency([runUrl], RUN_DETAIL_REQUESTS);
    const listed = await apiLatency([`${runUrl}?steps=200`], RUN_DETAIL_REQUESTS);
    const kB = async (url) => ((await (await fetch(url)).arrayBuffer()).byteLength / 1000).toFixed(0);
    const sizes = `${await kB(`${runUrl}?steps=200`)} kB against ${await kB(runUrl)} kB`;
    progress(`its run: GET p50 ${all.p50.toFixed(1)} ms with every step, ${listed.p50.toFixed(1)} ms with steps=200 (${sizes})`);
    rows.push({ name: `… GET /api/v1/runs/{id}?steps=200 p50 (${RUN_DETAIL_REQUESTS} requests; ${sizes})`, value: listed.p50, unit: 'ms', reference: all.p50, referenceName: 'every step' });
    // The comparison's worst case: every one of its steps matched against a run as long, sent earlier in large parts.
    const earlier = httpSender(agent.httpUrl, 1);
    for (const body of await longTraceRequests(LONG_TRACE_SPANS, Date.now() - 12 * 3_600_000, 1_000, 'long-0')) await earlier.send(body);
    earlier.close();
    const baseline = await listedWhole(agent, 'long-0');
    const compared = await apiLatency([`${runUrl}/compare?with=${encodeURIComponent(baseline.runId)}`], RUN_DETAIL_REQUESTS);
    progress(`its run compared with one as long: GET p50 ${compared.p50.toFixed(1)} ms`);
    rows.push({ name: `… GET /api/v1/runs/{id}/compare p50, ${(LONG_TRACE_SPANS - 1).toLocaleString('en')} steps matched`, value: compared.p50, unit: 'ms', reference: all.p50, referenceName: 'the run with every step' });
  });
}

/** The long pipeline's run `runnerRunId` once listed with every step (a minute at most): its id and URL. */
async function listedWhole(agent, runnerRunId) {
  const since = performance.now();
  for (;;) {
    const runs = await (await fetch(`${agent.apiUrl}/api/v1/workflows/long-pipeline/runs`)).json();
    const run = runs.items?.find((r) => r.runId === runnerRunId);
    const runUrl = run && `${agent.apiUrl}/api/v1/runs/${encodeURIComponent(run.id)}`;
    const listed = run ? (await (await fetch(runUrl)).json()).steps.length : 0;
    if (listed >= LONG_TRACE_SPANS - 1) return { runId: run.id, runUrl };
    if (performance.now() - since > 60_000) throw new Error(`the long trace's run ${runnerRunId} was listed with ${listed} steps, not ${LONG_TRACE_SPANS - 1}, a minute after`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function apiPhase(templates, rows) {
  await withAgent(async (agent) => {
    await storeApiData(agent, templates);
    const what = `${WORKFLOWS} workflows × ${API_RUNS_PER_WORKFLOW} runs`;
    const list = await apiLatency([`${agent.apiUrl}/api/v1/workflows`], API_REQUESTS);
    const pages = await apiLatency(Array.from({ length: WORKFLOWS }, (_, i) => `${agent.apiUrl}/api/v1/workflows/pipeline-${(i * 37) % WORKFLOWS}`), API_REQUESTS);
    progress(`API (${what}): list p50 ${list.p50.toFixed(1)} ms p95 ${list.p95.toFixed(1)} ms; page p50 ${pages.p50.toFixed(1)} ms p95 ${pages.p95.toFixed(1)} ms`);
    rows.push({ name: `GET /api/v1/workflows p50 (${what}, ${list.count} requests)`, value: list.p50, unit: 'ms' });
    rows.push({ name: `GET /api/v1/workflows p95 (${what})`, value: list.p95, unit: 'ms', target: TARGET.list });
    rows.push({ name: `GET /api/v1/workflows/{name} p50 (${pages.count} requests)`, value: pages.p50, unit: 'ms' });
    rows.push({ name: 'GET /api/v1/workflows/{name} p95', value: pages.p95, unit: 'ms' });
  });
}

/** The analysis benchmark (agent/bench/analysis.js) in a child process, with its peak RSS per size. */
async function analysisPhase(rows) {
  const path = join(HERE, 'analysis.js');
  if (!existsSync(path)) return progress('analysis: skipped, agent/bench/analysis.js is absent');
  const { rows: found, lines } = await runInChild(path, 'benchAnalysis');
  for (const row of found) {
    const target = /^analysis 100k runs, .*CPU$/.test(row.name) ? TARGET.analysis : undefined;
    rows.push({ ...row, referenceName: row.reference === undefined ? undefined : 'target', target });
  }
  for (const { line, peakMb } of lines) {
    const size = /^(\S+) spans: .* (\d+) runs/.exec(line);
    if (size) rows.push({ name: `analysis ${size[1]} spans (${size[2]} runs): peak RSS of the process`, value: peakMb, unit: 'MB' });
  }
}

/** Another engineer's benchmark module, if present, in a child process; its rows as they are. */
async function childRows(file, exportName, rows) {
  const path = join(HERE, file);
  if (!existsSync(path)) return progress(`${exportName}: skipped, agent/bench/${file} is absent`);
  rows.push(...(await runInChild(path, exportName)).rows);
}

async function references(templates) {
  progress('references: decoders, SQLite and the design\'s floor …');
  const refs = { oracle: oracleDecodeRate(templates), decoder: agentDecodeRate(templates), sqlite: sqliteInsertRate(templates) };
  refs.floor = designFloorRates(templates);
  refs.floor.both = 1 / (1 / refs.floor.work + 1 / refs.floor.writes);
  const sink = await startSink();
  const sender = httpSender(sink.url, CLIENTS);
  const load = (options) => runLoad({ send: sender.send, nextBody: requestStream(templates), clients: CLIENTS, ...options });
  await load({ durationMs: 1_000, maxRequests: 40 });
  refs.sink = (await load(MAX_LOAD)).perSecond;
  sender.close();
  await sink.stop();
  return refs;
}

function referenceRows(refs) {
  return [
    { name: 'reference: protobufjs generated decoder (otlp-oracle), decode only (best of 3 one-second samples)', value: refs.oracle, unit: 'spans/CPU-s' },
    { name: 'agent protobuf decoder, decode only', value: refs.decoder, unit: 'spans/CPU-s', reference: refs.oracle, referenceName: 'protobufjs' },
    { name: 'reference: SQLite insert into the agent\'s spans table, one transaction', value: refs.sqlite, unit: 'rows/CPU-s' },
    { name: `reference: do-nothing HTTP sink, ${CLIENTS} clients`, value: refs.sink, unit: 'spans/s' },
    { name: 'floor of the design: decode, model and row values of the same requests (agent code, no store)', value: refs.floor.work, unit: 'spans/CPU-s' },
    { name: 'floor of the design: those rows written by raw SQLite into the agent\'s schema, a transaction a request', value: refs.floor.writes, unit: 'spans/CPU-s' },
    {
      name: 'floor of the design: both on one thread, nothing else (no receiving, de-duplication, id entries, metrics)',
      value: refs.floor.both,
      unit: 'spans/CPU-s',
      reference: refs.oracle,
      referenceName: 'protobufjs',
    },
  ];
}

/** The table: figure, value, reference and ratio, target and whether it is met. */
function printTable(rows) {
  const fmt = (value, unit) => {
    if (value === undefined || Number.isNaN(value)) return '';
    const digits = unit === 'GA' ? 3 : unit === '×' ? 2 : Math.abs(value) < 100 && unit !== 'lines/s' ? 1 : 0;
    return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit === '×' || !unit ? unit : ` ${unit}`}`;
  };
  const lines = ['| figure | value | reference (same run) | ratio | target | met |', '| --- | ---: | ---: | ---: | ---: | :---: |'];
  for (const row of rows) {
    const ratio = row.reference ? row.value / row.reference : undefined;
    const reference = row.reference === undefined ? '' : `${fmt(row.reference, row.unit)}${row.referenceName ? ` (${row.referenceName})` : ''}`;
    const target = row.target ? `${row.target.op} ${fmt(row.target.value, row.unit)}` : '';
    const met = row.target ? ((row.target.op === '≥' ? row.value >= row.target.value : row.value <= row.target.value) ? 'pass' : 'FAIL') : '';
    lines.push(`| ${row.name} | ${fmt(row.value, row.unit)} | ${reference} | ${ratio === undefined ? '' : `${ratio.toFixed(2)}×`} | ${target} | ${met} |`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

const PHASES = ['ingest', 'memory', 'parts', 'api', 'analysis', 'patterns', 'decode', 'layouts'];
const USAGE = `usage: npm run bench [-- --only=${PHASES.join(',')}] | npm run bench -- --profile`;
/** `--only=api,memory` runs those phases alone; `--profile` profiles the agent instead. */
const OPTIONS = benchOptions();
const ONLY = OPTIONS.only?.split(',');
const wanted = (phase) => !ONLY || ONLY.includes(phase);

/** A typo must not start the whole bench, nor a phase name unknown here print an empty table. */
function benchOptions() {
  const values = optionsOrExit('bench', USAGE, { only: { type: 'string' }, profile: { type: 'boolean' } });
  const unknown = values.only?.split(',').filter((phase) => !PHASES.includes(phase)) ?? [];
  if (unknown.length > 0) usageExit('bench', `unknown phase ${unknown.join(', ')}`, USAGE);
  return values;
}

async function bench() {
  progress(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  const loadBefore = loadavg()[0];
  const templates = await makeTemplates({ templates: TEMPLATES, runsPerRequest: RUNS_PER_REQUEST, nowMs: Date.now() });
  const rows = [];
  if (wanted('ingest')) {
    const refs = await references(templates);
    rows.push(...referenceRows(refs));
    for (const transport of ['OTLP/HTTP', 'OTLP/gRPC']) {
      progress(`${transport} ingest …`);
      await ingestPhase(transport, templates, refs, rows);
    }
  }
  if (wanted('memory')) {
    progress(`storing ${STORED_SPANS.toLocaleString('en')} spans …`);
    await memoryPhase(templates, rows);
  }
  if (wanted('parts')) {
    progress('a long trace in parts …');
    await partsPhase(rows);
  }
  if (wanted('api')) {
    progress('API …');
    await apiPhase(templates, rows);
  }
  if (wanted('analysis')) {
    progress('analysis …');
    await analysisPhase(rows);
  }
  const children = [
    ['patterns', 'patterns …', 'patterns.js', 'benchPatterns'],
    ['decode', 'decoders (agent/bench/decode.js) …', 'decode.js', 'benchDecode'],
    ['layouts', 'SQLite span table layouts …', 'store-layouts.js', 'benchStoreLayouts'],
  ];
  for (const [phase, what, file, fn] of children) {
    if (!wanted(phase)) continue;
    progress(what);
    await childRows(file, fn, rows);
  }
  // Other processes on a shared machine lower every wall-clock figure; the load average says how much.
  rows.unshift({ name: `machine load average (1 min) at the start (${loadavg()[0].toFixed(1)} at the end), ${cpus().length} cores`, value: loadBefore, unit: '' });
  printTable(rows);
}

/** Runs `work(agent)` on an agent process under the CPU profiler and prints its hot spots. */
async function profileOf(title, work) {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-profile-'));
  try {
    await withAgent(work, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
    const { busyMs, functions, areas } = summariseProfile(join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))));
    const lines = [`\n### ${title}: ${(busyMs / 1000).toFixed(1)} s of agent time (idle excluded)`, '', '| self time | share | area |', '| ---: | ---: | --- |'];
    for (const a of areas.filter((a) => a.share >= 0.005)) lines.push(`| ${a.selfMs.toFixed(0)} ms | ${(a.share * 100).toFixed(1)}% | ${a.name} |`);
    lines.push('', '| self time | share | function | where |', '| ---: | ---: | --- | --- |');
    for (const f of functions) lines.push(`| ${f.selfMs.toFixed(0)} ms | ${(f.share * 100).toFixed(1)}% | ${f.name} | ${f.where} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Profiles the agent's ingest path at full load over HTTP and over gRPC, and the workflow list. */
async function profile() {
  const templates = await makeTemplates({ templates: TEMPLATES, runsPerRequest: RUNS_PER_REQUEST, nowMs: Date.now() });
  const ingest = (makeSender) => async (agent) => {
    const sender = makeSender(agent);
    const load = await runLoad({ send: sender.send, nextBody: requestStream(templates), clients: CLIENTS, ...MAX_LOAD });
    sender.close();
    progress(`${Math.round(load.perSecond)} spans/s under the profiler`);
  };
  await profileOf('OTLP/HTTP ingest at full load', ingest((agent) => httpSender(agent.httpUrl, CLIENTS)));
  await profileOf('OTLP/gRPC ingest at full load', ingest((agent) => grpcSender(agent.grpcAddress, CLIENTS)));
  await profileOf(`GET /api/v1/workflows, ${WORKFLOWS} workflows × ${API_RUNS_PER_WORKFLOW} runs`, async (agent) => {
    await storeApiData(agent, templates);
    const list = await apiLatency([`${agent.apiUrl}/api/v1/workflows`], 30);
    progress(`workflow list p50 ${list.p50.toFixed(0)} ms under the profiler`);
  });
}

await (OPTIONS.profile ? profile() : bench());
