// References measured in the same run as the agent: what the hardware gives for the parts of ingest alone.
// All are timed in CPU time of this single-threaded process (per CPU-second, i.e. per core, and not lowered
// when other processes share the machine's cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import oracle from 'otlp-oracle/build/src/generated/root.js';
import { decodeTraceRequestProto } from '../dist/decode/trace/protobuf.js';
import { modelTrace } from '../dist/normalise/index.js';
import { runToValues } from '../dist/store/sqlite/codec.js';
import { openDatabase } from '../dist/store/sqlite/open.js';
import { spansToChunk } from '../dist/store/sqlite/span-chunk.js';
import { INSERT_CHUNK, INSERT_RUN } from '../dist/store/sqlite/trace-writer.js';
import { requestBytes } from './payloads.js';

const ExportTraceServiceRequest = oracle.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const WARM_UP_MS = 500;
const MEASURE_MS = 1000;
/** Samples per decode rate, the best kept: one sample on a shared machine varied 2–3× from run to run. */
const SAMPLES = 3;
const SQLITE_ROWS = 100_000;
/** Requests of the design's floor, each of new traces and runs as the load sends them (`requestBytes`): a sample each. */
const FLOOR_REQUESTS = { warmUp: 50, sample: 50 };

/**
 * Spans per CPU-second of `decode` over the payloads, after a warm-up so the JIT has compiled it: the best of
 * `SAMPLES`, so that a moment of contention lowers the reference (and flatters the ratios) less.
 */
function decodeRate(decode, templates) {
  const loop = (ms) => {
    let spans = 0;
    let i = 0;
    const cpu0 = process.cpuUsage();
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const template = templates[i++ % templates.length];
      decode(template.bytes);
      spans += template.spans;
    }
    return (spans * 1e6) / microseconds(cpu0, process.cpuUsage());
  };
  loop(WARM_UP_MS);
  let best = 0;
  for (let i = 0; i < SAMPLES; i++) best = Math.max(best, loop(MEASURE_MS));
  return best;
}

/** The protobufjs code generated from the OTLP protos (otlp-oracle), decode only. */
export function oracleDecodeRate(templates) {
  return decodeRate((bytes) => ExportTraceServiceRequest.decode(bytes), templates);
}

/** The agent's own protobuf trace decoder, decode only (no modelling, no store). */
export function agentDecodeRate(templates) {
  return decodeRate(decodeTraceRequestProto, templates);
}

/** The spans of a decoded request, in order. */
const spansOf = (batch) => batch.resourceSpans.flatMap((group) => group.scopes.flatMap((scope) => scope.spans));

/** A plain row-per-span table keyed by (trace id, span id): the textbook way to store spans, as the reference. */
export const ROW_PER_SPAN_DDL = `CREATE TABLE spans (
  trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
  start_ms REAL NOT NULL, end_ms REAL NOT NULL, status_code INTEGER NOT NULL, status_message TEXT NOT NULL,
  attributes TEXT NOT NULL, events TEXT, resource_id INTEGER NOT NULL, scope_name TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID;
CREATE INDEX spans_by_end ON spans (end_ms);`;

/**
 * Rows per CPU-second into a plain row-per-span table (the agent's pragmas, via its openDatabase; an empty
 * store) in one transaction, commit included, with the values prepared beforehand: raw SQLite inserting spans.
 */
export function sqliteInsertRate(templates) {
  const spans = templates.flatMap((t) => spansOf(decodeTraceRequestProto(t.bytes)));
  const rows = [];
  for (let copy = 0; rows.length < SQLITE_ROWS; copy++) {
    const prefix = copy.toString(16).padStart(8, '0');
    for (const s of spans) {
      if (rows.length === SQLITE_ROWS) break;
      rows.push([prefix + s.traceId.slice(8), s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.statusCode, s.statusMessage, JSON.stringify(s.attributes), s.events.length > 0 ? JSON.stringify(s.events) : null, 1, s.scopeName]);
    }
  }
  return withTempDatabase((db) => {
    db.exec(ROW_PER_SPAN_DDL);
    const insert = db.prepare(
      `INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status_code,
         status_message, attributes, events, resource_id, scope_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    const insertAll = db.transaction(() => {
      for (const row of rows) insert.run(row);
    });
    const cpu0 = process.cpuUsage();
    insertAll();
    return (rows.length * 1e6) / microseconds(cpu0, process.cpuUsage());
  });
}

/**
 * The floor of the agent's design, in spans per CPU-second of one thread, on requests as the load sends them:
 * - `work`: what every span must go through whatever the store's bookkeeping: the agent's decoder, its modelling of
 *   each trace into runs and steps (`modelTrace`), and the values of the rows that make them durable (a span chunk
 *   per trace, a run row per run, as the trace writer makes them);
 * - `writes`: those rows inserted by raw better-sqlite3 into the agent's own schema (its migrations and pragmas),
 *   with a transaction per request, commit included (checkpoints run on the store's background thread, not here).
 * No receiving, de-duplication, id entries, resource look-ups, metrics or template counts: what is left when all of
 * that costs nothing.
 */
export function designFloorRates(templates) {
  const rowsOf = (bytes) => {
    const byTrace = new Map();
    for (const span of spansOf(decodeTraceRequestProto(bytes))) {
      const group = byTrace.get(span.traceId);
      if (group) group.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    const chunks = [];
    const runs = [];
    let count = 0;
    for (const [traceId, spans] of byTrace) {
      count += spans.length;
      let endMs = -Infinity;
      for (const span of spans) endMs = Math.max(endMs, span.endMs);
      chunks.push([traceId, 1, endMs, spansToChunk(spans)]);
      for (const run of modelTrace(spans)) runs.push(runToValues(run, { id: 1, attributes: spans[0].resource }));
    }
    return { chunks, runs, spans: count };
  };
  return withTempDatabase((db) => {
    const insertChunk = db.prepare(INSERT_CHUNK);
    const insertRun = db.prepare(INSERT_RUN);
    let chunkSeq = 0;
    let runSeq = 0;
    const write = db.transaction(({ chunks, runs }) => {
      for (const chunk of chunks) insertChunk.run(++chunkSeq, ...chunk);
      for (const run of runs) insertRun.run(++runSeq, run);
    });
    // Each request's rows are written, then let go, as by the agent: keeping them all would time the garbage
    // collector moving them instead. Each part's best of SAMPLES samples, as for the decoders.
    let k = 0;
    const sample = (requests) => {
      let spans = 0;
      let workUs = 0;
      let writesUs = 0;
      for (const end = k + requests; k < end; k++) {
        const body = requestBytes(templates, k);
        const cpu0 = process.cpuUsage();
        const rows = rowsOf(body);
        const cpu1 = process.cpuUsage();
        write(rows);
        const cpu2 = process.cpuUsage();
        spans += rows.spans;
        workUs += microseconds(cpu0, cpu1);
        writesUs += microseconds(cpu1, cpu2);
      }
      return { work: (spans * 1e6) / workUs, writes: (spans * 1e6) / writesUs };
    };
    sample(FLOOR_REQUESTS.warmUp);
    const best = { work: 0, writes: 0 };
    for (let i = 0; i < SAMPLES; i++) {
      const { work, writes } = sample(FLOOR_REQUESTS.sample);
      best.work = Math.max(best.work, work);
      best.writes = Math.max(best.writes, writes);
    }
    return best;
  });
}

/** `measure(db)` on a fresh store in a temporary directory (the agent's schema and pragmas), removed after. */
function withTempDatabase(measure) {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-sqlite-'));
  try {
    const db = openDatabase(join(dir, 'reference.db'));
    try {
      return measure(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function microseconds(from, to) {
  return to.user + to.system - from.user - from.system;
}
