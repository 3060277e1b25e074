import type { Database, Statement } from 'better-sqlite3';
import type { OtlpSpan } from '../../model/otlp.js';
import { hasRoomFor, type FreshSpans } from './trace-limit.js';
import type { TraceSpanIds } from './trace-span-ids.js';

/**
 * A trace with at least this many spans stored, continued by a later request, has its runs re-derived at most
 * every so often instead of on every request: re-deriving is linear in the trace, so a long workflow exported
 * a few spans at a time (a Temporal workflow of thousands of activities) cost every request more than the last.
 */
export const LARGE_TRACE_SPANS = 1_000;

/** Least time between two re-derivations of one large trace, and how many times its last one took, if longer. */
const MIN_DELAY_MS = 1_000;
const DELAY_PER_COST = 10;

/** Wait after a failed re-derivation, doubled with each further failure of the trace, up to the most. */
const RETRY_MS = 5_000;
const MAX_RETRY_MS = 300_000;

/**
 * Ids kept for the duplicate check of large traces (their spans' and the parents they await), all traces together
 * (about 60 bytes each).
 */
const MAX_IDS = 200_000;

interface LargeTrace {
  /** Ids of the trace's stored spans (and the parents they lack), when kept. */
  ids?: TraceSpanIds;
  /** When the runs are due to be re-derived (wall clock: this schedules work, it is not the data's time). */
  dueMs?: number;
  /** How long the last re-derivation took. */
  costMs: number;
  /** Re-derivations failed in a row. */
  failures?: number;
  /** Since when the runs have trailed the spans (wall clock), while due. */
  sinceMs?: number;
}

/** What a write may change of a trace, to put back if it rolls back. */
type Schedule = Pick<LargeTrace, 'dueMs' | 'sinceMs'>;

/**
 * Large traces whose runs lag their spans. The spans are durable when a request is answered; a trace listed in
 * `stale_traces` (in the same transaction) has its runs re-derived later, by this agent or, after a crash, by the
 * next one to open the store. Changes made during a write are undone if it rolls back.
 */
export class DeferredTraces {
  private readonly traces = new Map<string, LargeTrace>();
  private ids = 0;
  /** Traces whose kept ids or schedule changed in the open write, with the schedule to restore if it rolls back. */
  private touched = new Map<string, Schedule>();
  private readonly markStale: Statement<[string]>;
  private readonly unmarkStale: Statement<[string]>;

  constructor(db: Database) {
    this.markStale = db.prepare('INSERT OR IGNORE INTO stale_traces (trace_id) VALUES (?)');
    this.unmarkStale = db.prepare('DELETE FROM stale_traces WHERE trace_id = ?');
    // Left stale by an agent that stopped before re-deriving them: due at once.
    const nowMs = Date.now();
    for (const traceId of db.prepare('SELECT trace_id FROM stale_traces').pluck().all() as string[]) {
      this.traces.set(traceId, { dueMs: 0, sinceMs: nowMs, costMs: 0 });
    }
  }

  /**
   * The spans of `spans` (all of one large trace) not stored yet, split at the trace's `maxSpans` into those to
   * store, their ids now kept, and those refused; undefined when the trace's ids are not kept, and the caller
   * must read the trace back to tell.
   */
  fresh(traceId: string, spans: readonly OtlpSpan[], maxSpans: number): FreshSpans | undefined {
    const trace = this.traces.get(traceId);
    if (!trace?.ids) return undefined;
    const ids = trace.ids;
    this.touch(traceId, trace);
    const entries = ids.entries;
    const fresh: OtlpSpan[] = [];
    const refused: OtlpSpan[] = [];
    for (const span of spans) {
      if (ids.has(span.spanId)) continue;
      if (!hasRoomFor(span, ids, maxSpans)) {
        refused.push(span);
        continue;
      }
      ids.add(span);
      fresh.push(span);
    }
    this.ids += ids.entries - entries;
    return { fresh, refused };
  }

  /** Spans of the trace were stored and its runs not re-derived: `ids` are all its span ids, if not kept yet. */
  defer(traceId: string, nowMs: number, ids?: TraceSpanIds): void {
    let trace = this.traces.get(traceId);
    if (trace) this.traces.delete(traceId);
    else trace = { costMs: 0 };
    // Last in the map's order: the ids of the traces continued longest ago are dropped first.
    this.traces.set(traceId, trace);
    this.touch(traceId, trace);
    if (ids && !trace.ids) {
      trace.ids = ids;
      this.ids += ids.entries;
      this.evictIds(traceId);
    }
    if (trace.dueMs === undefined) {
      trace.dueMs = nowMs + Math.max(MIN_DELAY_MS, DELAY_PER_COST * trace.costMs);
      trace.sinceMs = nowMs;
      this.markStale.run(traceId);
    }
  }

  /** The traces due at `nowMs`. */
  due(nowMs: number): string[] {
    const due: string[] = [];
    for (const [traceId, trace] of this.traces) if (trace.dueMs !== undefined && trace.dueMs <= nowMs) due.push(traceId);
    return due;
  }

  /** How many traces' runs trail their spans, and since when the oldest has (wall clock). */
  pending(): { traces: number; sinceMs: number | undefined } {
    let traces = 0;
    let sinceMs: number | undefined;
    for (const trace of this.traces.values()) {
      if (trace.dueMs === undefined) continue;
      traces++;
      if (sinceMs === undefined || trace.sinceMs! < sinceMs) sinceMs = trace.sinceMs;
    }
    return { traces, sinceMs };
  }

  /** The earliest time a trace is due, if any is. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const { dueMs } of this.traces.values()) if (dueMs !== undefined && (next === undefined || dueMs < next)) next = dueMs;
    return next;
  }

  /** The trace's runs were re-derived, in `costMs`. */
  done(traceId: string, costMs: number): void {
    const trace = this.traces.get(traceId);
    if (!trace) return;
    this.touch(traceId, trace);
    trace.dueMs = undefined;
    trace.sinceMs = undefined;
    trace.costMs = costMs;
    trace.failures = undefined;
    this.unmarkStale.run(traceId);
    if (!trace.ids) this.traces.delete(traceId);
  }

  /** Re-deriving the trace's runs failed (and rolled back): tried again later, later each time. */
  failed(traceId: string, nowMs: number): void {
    const trace = this.traces.get(traceId);
    if (!trace) return;
    trace.failures = (trace.failures ?? 0) + 1;
    trace.dueMs = nowMs + Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** (trace.failures - 1));
  }

  /** The trace's spans are being deleted (retention): it is not re-derived from what is left. */
  forget(traceId: string): void {
    const trace = this.traces.get(traceId);
    if (!trace) return;
    this.ids -= trace.ids?.entries ?? 0;
    this.traces.delete(traceId);
    this.unmarkStale.run(traceId);
  }

  /**
   * Retention deleted some of the trace's spans, its oldest, not all: the kept ids, which name them, go (the trace
   * is read back when continued), but a trace that is due stays due, so the run its newest spans finish appears.
   */
  partlyPruned(traceId: string): void {
    const trace = this.traces.get(traceId);
    if (!trace?.ids) return;
    this.ids -= trace.ids.entries;
    trace.ids = undefined;
    if (trace.dueMs === undefined) this.traces.delete(traceId);
  }

  committed(): void {
    this.touched = new Map();
  }

  rolledBack(): void {
    for (const [traceId, { dueMs, sinceMs }] of this.touched) {
      const trace = this.traces.get(traceId);
      // The kept ids may hold spans that were not stored: the trace is read back next time.
      this.ids -= trace?.ids?.entries ?? 0;
      if (dueMs === undefined) this.traces.delete(traceId);
      else this.traces.set(traceId, { dueMs, sinceMs, costMs: trace?.costMs ?? 0, failures: trace?.failures });
    }
    this.touched = new Map();
  }

  /** Another connection wrote to the store: the kept ids may miss some. */
  forgetIds(): void {
    for (const [traceId, trace] of this.traces) {
      trace.ids = undefined;
      if (trace.dueMs === undefined) this.traces.delete(traceId);
    }
    this.ids = 0;
  }

  private touch(traceId: string, trace: LargeTrace): void {
    if (!this.touched.has(traceId)) this.touched.set(traceId, { dueMs: trace.dueMs, sinceMs: trace.sinceMs });
  }

  /** Drops the ids of other traces, least recently continued first, past the bound. */
  private evictIds(keep: string): void {
    for (const [traceId, trace] of this.traces) {
      if (this.ids <= MAX_IDS) return;
      if (traceId === keep || !trace.ids) continue;
      this.ids -= trace.ids.entries;
      trace.ids = undefined;
      if (trace.dueMs === undefined) this.traces.delete(traceId);
    }
  }
}
