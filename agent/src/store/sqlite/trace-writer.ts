import type { Database, Statement } from 'better-sqlite3';
import type { Attributes, OtlpSpan } from '../../model/otlp.js';
import type { RunRecord } from '../../model/workflow.js';
import type { RunTransition, TraceModeller } from '../store.js';
import { runToRow, spansFromChunk, spansToChunk, type RunRow } from './codec.js';
import type { ResourceTable } from './resources.js';

export interface TraceWriteResult {
  accepted: number;
  duplicates: number;
  transitions: RunTransition[];
  /** Runs of every trace re-derived in this write, by trace id (possibly none for a trace). */
  runsByTrace: Map<string, { runs: RunRecord[]; hadRuns: boolean }>;
}

/**
 * Stores spans (a re-sent span is dropped: OTLP is at-least-once) and re-derives the runs of every trace that
 * gained a span from all of that trace's spans, so batches split, reordered or repeated give the same runs.
 */
export class TraceWriter {
  private readonly insertChunk: Statement<[string, number, number, string]>;
  private readonly traceExists: Statement<[string], unknown>;
  private readonly chunksOfTrace: Statement<[string], { resource_id: number; spans: string }>;
  private readonly runsOfTrace: Statement<[string], { id: string; status: string }>;
  private readonly deleteRunsOfTrace: Statement<[string]>;
  private readonly insertRun: Statement<RunRow>;

  constructor(
    db: Database,
    private readonly resources: ResourceTable,
  ) {
    this.insertChunk = db.prepare('INSERT INTO span_chunks (trace_id, resource_id, end_ms, spans) VALUES (?, ?, ?, ?)');
    this.traceExists = db.prepare('SELECT 1 FROM span_chunks WHERE trace_id = ? LIMIT 1');
    this.chunksOfTrace = db.prepare('SELECT resource_id, spans FROM span_chunks WHERE trace_id = ?');
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
  write(spans: readonly OtlpSpan[], model: TraceModeller): TraceWriteResult {
    const byTrace = new Map<string, OtlpSpan[]>();
    for (const span of spans) {
      const group = byTrace.get(span.traceId);
      if (group) group.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    const result: TraceWriteResult = { accepted: 0, duplicates: 0, transitions: [], runsByTrace: new Map() };
    for (const [traceId, group] of byTrace) {
      const known = this.traceExists.get(traceId) !== undefined;
      const stored = known ? this.loadTrace(traceId) : [];
      const seen = new Set(stored.map((span) => span.spanId));
      const fresh: OtlpSpan[] = [];
      for (const span of group) {
        if (seen.has(span.spanId)) continue;
        seen.add(span.spanId);
        span.resource = this.resources.canonical(span.resource);
        fresh.push(span);
      }
      result.accepted += fresh.length;
      result.duplicates += group.length - fresh.length;
      if (fresh.length === 0) continue;
      this.storeChunks(traceId, fresh);
      const runs = model(known ? [...stored, ...fresh] : fresh);
      const hadRuns = this.replaceRuns(traceId, runs, result.transitions, known);
      result.runsByTrace.set(traceId, { runs, hadRuns });
    }
    return result;
  }

  /** One row per resource among the trace's new spans (almost always one). */
  private storeChunks(traceId: string, spans: OtlpSpan[]): void {
    const byResource = new Map<Attributes, OtlpSpan[]>();
    for (const span of spans) {
      const group = byResource.get(span.resource);
      if (group) group.push(span);
      else byResource.set(span.resource, [span]);
    }
    for (const [resource, group] of byResource) {
      const endMs = group.reduce((max, span) => Math.max(max, span.endMs), -Infinity);
      this.insertChunk.run(traceId, this.resources.idOf(resource), endMs, spansToChunk(group));
    }
  }

  private loadTrace(traceId: string): OtlpSpan[] {
    return this.chunksOfTrace.all(traceId).flatMap((row) => spansFromChunk(row.spans, this.resources.attributesOf(row.resource_id)));
  }

  /** Replaces the trace's runs; returns whether it had any before. A new trace has none to look up or delete. */
  private replaceRuns(traceId: string, runs: RunRecord[], transitions: RunTransition[], known: boolean): boolean {
    const previous = known ? new Map(this.runsOfTrace.all(traceId).map((row) => [row.id, row.status])) : new Map<string, string>();
    if (previous.size > 0) this.deleteRunsOfTrace.run(traceId);
    for (const run of runs) {
      this.insertRun.run(runToRow(run));
      const before = previous.get(run.id);
      if (before !== run.status) transitions.push({ run, previousStatus: before as RunRecord['status'] | undefined });
    }
    return previous.size > 0;
  }
}
