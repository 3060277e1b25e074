import type { Database, Statement } from 'better-sqlite3';
import type { OtlpSpan } from '../../model/otlp.js';
import type { RunRecord } from '../../model/workflow.js';
import { runToRow, spanFromRow, type RunRow, type SpanRow } from './codec.js';
import type { ResourceTable } from './resources.js';
import type { RunTransition, TraceModeller } from '../store.js';

export interface TraceWriteResult {
  accepted: number;
  duplicates: number;
  transitions: RunTransition[];
  /** Traces whose runs were re-derived. */
  traces: string[];
}

/**
 * Stores spans (a re-sent span is ignored: OTLP is at-least-once) and re-derives the runs of every trace that
 * gained a span from all of that trace's spans, so batches split, reordered or repeated give the same runs.
 */
export class TraceWriter {
  private readonly insertSpan: Statement<unknown[]>;
  private readonly traceExists: Statement<[string], unknown>;
  private readonly spansOfTrace: Statement<[string], SpanRow>;
  private readonly runsOfTrace: Statement<[string], { id: string; status: string }>;
  private readonly deleteRunsOfTrace: Statement<[string]>;
  private readonly insertRun: Statement<RunRow>;

  constructor(
    db: Database,
    private readonly resources: ResourceTable,
    private readonly model: TraceModeller,
  ) {
    this.insertSpan = db.prepare(
      `INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status_code,
         status_message, attributes, events, resource_id, scope_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.traceExists = db.prepare('SELECT 1 FROM spans WHERE trace_id = ? LIMIT 1');
    this.spansOfTrace = db.prepare('SELECT * FROM spans WHERE trace_id = ?');
    this.runsOfTrace = db.prepare('SELECT id, status FROM runs WHERE trace_id = ?');
    this.deleteRunsOfTrace = db.prepare('DELETE FROM runs WHERE trace_id = ?');
    this.insertRun = db.prepare(
      `INSERT OR REPLACE INTO runs (id, trace_id, span_id, workflow, runner, run_id, status, start_ms, end_ms,
         duration_ms, queue_ms, attempt, error_type, error_message, attributes, steps)
       VALUES (@id, @trace_id, @span_id, @workflow, @runner, @run_id, @status, @start_ms, @end_ms, @duration_ms,
         @queue_ms, @attempt, @error_type, @error_message, @attributes, @steps)`,
    );
  }

  /** Must run inside the caller's write transaction. */
  write(spans: readonly OtlpSpan[]): TraceWriteResult {
    const byTrace = new Map<string, OtlpSpan[]>();
    for (const span of spans) {
      const group = byTrace.get(span.traceId);
      if (group) group.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    const result: TraceWriteResult = { accepted: 0, duplicates: 0, transitions: [], traces: [] };
    for (const [traceId, group] of byTrace) {
      const known = this.traceExists.get(traceId) !== undefined;
      let inserted = 0;
      for (const span of group) {
        inserted += this.insertSpan.run(
          span.traceId,
          span.spanId,
          span.parentSpanId,
          span.name,
          span.kind,
          span.startMs,
          span.endMs,
          span.statusCode,
          span.statusMessage,
          JSON.stringify(span.attributes),
          span.events.length > 0 ? JSON.stringify(span.events) : null,
          this.resources.idOf(span.resource),
          span.scopeName,
        ).changes;
      }
      result.accepted += inserted;
      result.duplicates += group.length - inserted;
      if (inserted === 0) continue;
      const all = known ? this.loadTrace(traceId) : group;
      this.replaceRuns(traceId, this.model(all), result.transitions);
      result.traces.push(traceId);
    }
    return result;
  }

  private loadTrace(traceId: string): OtlpSpan[] {
    return this.spansOfTrace.all(traceId).map((row) => spanFromRow(row, this.resources.attributesOf(row.resource_id)));
  }

  private replaceRuns(traceId: string, runs: RunRecord[], transitions: RunTransition[]): void {
    const previous = new Map(this.runsOfTrace.all(traceId).map((row) => [row.id, row.status]));
    this.deleteRunsOfTrace.run(traceId);
    for (const run of runs) {
      this.insertRun.run(runToRow(run));
      const before = previous.get(run.id);
      if (before !== run.status) transitions.push({ run, previousStatus: before as RunRecord['status'] | undefined });
    }
  }
}
