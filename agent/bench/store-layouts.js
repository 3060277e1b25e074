// How fast SQLite takes spans in three table layouts, into a store that already holds spans (as a running agent's
// does), in transactions the size of the agent's group commits: the evidence for changing the span table.
//   row-per-span  WITHOUT ROWID, key (trace_id, span_id) as hex text (the agent's first layout)
//   int-key   a rowid table with the ids as blobs and a unique index on their first 8 bytes as two integers
//   per-trace one row per trace and request (the trace's spans as one JSON text), indexed by an integer trace key
//             (the agent's `span_chunks` table is this layout, keyed by the hex trace id)
// Values are prepared beforehand; only SQLite is timed. `node agent/bench/store-layouts.js` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTraceRequestProto } from '../dist/decode/trace/protobuf.js';
import { openDatabase } from '../dist/store/sqlite/open.js';
import { makeTemplates, requestBytes } from './payloads.js';
import { ROW_PER_SPAN_DDL } from './references.js';

const PREFILLED_SPANS = 300_000;
const MEASURED_SPANS = 100_000;
const SPANS_PER_REQUEST = 1_000;

const LAYOUTS = {
  'row-per-span': {
    ddl: ROW_PER_SPAN_DDL,
    sql: `INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status_code,
            status_message, attributes, events, resource_id, scope_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    rows: (request) => request.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.statusCode, s.statusMessage, s.attributesJson, s.eventsJson, 1, s.scopeName]),
  },
  'int-key': {
    ddl: `CREATE TABLE spans2 (id INTEGER PRIMARY KEY, trace_key INTEGER NOT NULL, span_key INTEGER NOT NULL, trace_id BLOB NOT NULL,
            span_id BLOB NOT NULL, parent_span_id BLOB, name TEXT NOT NULL, kind INTEGER NOT NULL, start_ms REAL NOT NULL,
            end_ms REAL NOT NULL, status_code INTEGER NOT NULL, status_message TEXT NOT NULL, attributes TEXT NOT NULL, events TEXT,
            resource_id INTEGER NOT NULL, scope_name TEXT NOT NULL);
          CREATE UNIQUE INDEX spans2_key ON spans2 (trace_key, span_key);
          CREATE INDEX spans2_by_end ON spans2 (end_ms);`,
    sql: `INSERT OR IGNORE INTO spans2 (trace_key, span_key, trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms,
            status_code, status_message, attributes, events, resource_id, scope_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    rows: (request) =>
      request.spans.map((s) => {
        const trace = Buffer.from(s.traceId, 'hex');
        const span = Buffer.from(s.spanId, 'hex');
        return [trace.readBigInt64BE(0), span.readBigInt64BE(0), trace, span, s.parentSpanId ? Buffer.from(s.parentSpanId, 'hex') : null, s.name, s.kind, s.startMs, s.endMs, s.statusCode, s.statusMessage, s.attributesJson, s.eventsJson, 1, s.scopeName];
      }),
  },
  'per-trace': {
    ddl: `CREATE TABLE trace_parts (id INTEGER PRIMARY KEY, trace_key INTEGER NOT NULL, trace_id BLOB NOT NULL, end_ms REAL NOT NULL,
            span_count INTEGER NOT NULL, spans TEXT NOT NULL);
          CREATE INDEX trace_parts_by_trace ON trace_parts (trace_key);
          CREATE INDEX trace_parts_by_end ON trace_parts (end_ms);`,
    sql: 'INSERT INTO trace_parts (trace_key, trace_id, end_ms, span_count, spans) VALUES (?,?,?,?,?)',
    rows: (request) => {
      const byTrace = new Map();
      for (const s of request.spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
      return [...byTrace].map(([traceId, spans]) => {
        const trace = Buffer.from(traceId, 'hex');
        const text = JSON.stringify(spans.map((s) => [s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.statusCode, s.statusMessage, s.attributesJson, s.eventsJson]));
        return [trace.readBigInt64BE(0), trace, Math.max(...spans.map((s) => s.endMs)), spans.length, text];
      });
    },
  },
};

/** Request `k` decoded, with the JSON columns already made, as the agent would hand it to SQLite. */
function request(templates, k) {
  return {
    spans: decodeTraceRequestProto(requestBytes(templates, k)).resourceSpans.flatMap((r) =>
      r.scopes.flatMap((s) => s.spans.map((span) => ({ ...span, attributesJson: JSON.stringify(span.attributes), eventsJson: span.events.length > 0 ? JSON.stringify(span.events) : null }))),
    ),
  };
}

function measure(layout, templates, measured, requestsPerCommit) {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-layout-'));
  try {
    const db = openDatabase(join(dir, 'layout.db'));
    if (layout.ddl) db.exec(layout.ddl);
    const insert = db.prepare(layout.sql);
    const commit = db.transaction((rows) => {
      for (const row of rows) insert.run(row);
    });
    for (let k = 0; k < PREFILLED_SPANS / SPANS_PER_REQUEST; k++) commit(layout.rows(request(templates, k)));
    const batches = [];
    for (let i = 0; i < measured.length; i += requestsPerCommit) batches.push(measured.slice(i, i + requestsPerCommit).flatMap(layout.rows));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (const rows of batches) commit(rows);
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    db.close();
    return { cpu: MEASURED_SPANS / ((cpu.user + cpu.system) / 1e6), wall: MEASURED_SPANS / wall };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStoreLayouts() {
  const templates = await makeTemplates({ templates: 10, runsPerRequest: SPANS_PER_REQUEST / 10, nowMs: Date.now() });
  const first = PREFILLED_SPANS / SPANS_PER_REQUEST;
  const measured = Array.from({ length: MEASURED_SPANS / SPANS_PER_REQUEST }, (_, i) => request(templates, first + i));
  const rows = [];
  for (const requestsPerCommit of [1, 10]) {
    let rowPerSpan;
    for (const [name, layout] of Object.entries(LAYOUTS)) {
      const rate = measure(layout, templates, measured, requestsPerCommit);
      rowPerSpan ??= rate.cpu;
      console.log(`${name}, ${requestsPerCommit * SPANS_PER_REQUEST} spans a commit: ${Math.round(rate.cpu)} spans/CPU-s, ${Math.round(rate.wall)} spans/s wall`);
      rows.push({
        name: `SQLite layout ${name}, ${(requestsPerCommit * SPANS_PER_REQUEST).toLocaleString('en')} spans a commit, ${PREFILLED_SPANS / 1000}k stored`,
        value: Math.round(rate.cpu),
        unit: 'spans/CPU-s',
        ...(name === 'row-per-span' ? {} : { reference: Math.round(rowPerSpan), referenceName: 'row-per-span layout', ratio: rate.cpu / rowPerSpan }),
      });
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await benchStoreLayouts());
