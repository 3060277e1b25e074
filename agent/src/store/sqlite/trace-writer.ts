import type { Database, Statement } from 'better-sqlite3';
import type { Attributes, OtlpSpan } from '../../model/otlp.js';
import type { RunRecord } from '../../model/workflow.js';
import type { RunTransition, TraceModeller } from '../store.js';
import { RUN_COLUMNS, runFromRow, runToValues, type RunRow } from './codec.js';
import { spansFromChunk, spansToChunk, type Chunk } from './span-chunk.js';
import { IdKind, type IdIndex } from './id-index.js';
import { OpenTraces } from './open-traces.js';
import { RefusedTraces } from './refused-traces.js';
import { LARGE_TRACE_SPANS, type DeferredTraces } from './deferred-traces.js';
import { withinLimit } from './trace-limit.js';
import { TraceSpanIds } from './trace-span-ids.js';
import type { ResourceTable } from './resources.js';

/** A span chunk's row, as the writer adds it (also the bench's reference of the design's floor). */
export const INSERT_CHUNK = 'INSERT INTO span_chunks (id, trace_id, resource_id, end_ms, spans) VALUES (?, ?, ?, ?, ?)';
/** A new run's row: its number, then `runToValues`. */
export const INSERT_RUN = `INSERT INTO runs (seq, ${RUN_COLUMNS}) VALUES (?${', ?'.repeat(RUN_COLUMNS.split(',').length)})`;

interface RunHead {
  trace_id: string;
  id: string;
  status: string;
  start_ms: number;
}

/** A run already stored: its row number, status and start. */
interface StoredRun {
  seq: number;
  status: string;
  startMs: number;
}

export interface TraceWriteResult {
  accepted: number;
  duplicates: number;
  /** New spans of traces already holding their most, not stored. */
  refused: OtlpSpan[];
  /** Re-sent spans whose id was stored (or earlier in the batch) with other content: dropped all the same. */
  conflicting: OtlpSpan[];
  transitions: RunTransition[];
  /** Runs of every trace re-derived in this write, by trace id (possibly none for a trace). */
  runsByTrace: Map<string, { runs: RunRecord[]; hadRuns: boolean }>;
  /** Traces a run moved out of in this write (a workflow replayed in a new trace): they lost it. */
  leftTraces: Set<string>;
}

/**
 * Stores spans (a re-sent span is dropped: OTLP is at-least-once) and re-derives the runs of every trace that
 * gained a span from all of that trace's spans, so batches split, reordered or repeated give the same runs (a
 * large trace's a moment later, `deferred-traces.ts`).
 */
export class TraceWriter {
  private readonly insertChunk: Statement<[number, string, number, number, Chunk]>;
  private readonly chunkBySeq: Statement<[number], { trace_id: string; resource_id: number; spans: Chunk }>;
  private readonly runBySeq: Statement<[number], RunRow>;
  private readonly runHeadBySeq: Statement<[number], RunHead>;
  private readonly deleteRun: Statement<[number]>;
  private readonly insertRun: Statement<[number, RunRow]>;
  private readonly updateRun: Statement<[RunRow, number]>;
  private readonly resourceOf = (id: number): Attributes => this.resources.attributesOf(id);
  private readonly openTraces = new OpenTraces();
  private readonly refusedTraces: RefusedTraces;
  /** The resource table's generation the kept spans' resource objects belong to. */
  private keptGeneration = 0;

  constructor(
    db: Database,
    private readonly resources: ResourceTable,
    private readonly index: IdIndex,
    /** Large traces whose runs are re-derived later (`remodel`); the caller schedules them. */
    private readonly deferred: DeferredTraces,
    /** Told the start of every run written or deleted. */
    private readonly runChanged: (startMs: number) => void,
    /** Spans a trace may hold: re-deriving its runs is linear in it, and holds up every other write meanwhile. */
    private readonly maxSpansPerTrace: number,
  ) {
    this.refusedTraces = new RefusedTraces(db);
    this.insertChunk = db.prepare(INSERT_CHUNK);
    this.chunkBySeq = db.prepare('SELECT trace_id, resource_id, spans FROM span_chunks WHERE id = ?');
    this.runBySeq = db.prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE seq = ?`).raw();
    this.runHeadBySeq = db.prepare('SELECT trace_id, id, status, start_ms FROM runs WHERE seq = ?');
    this.deleteRun = db.prepare('DELETE FROM runs WHERE seq = ?');
    // A new run is a plain INSERT and a re-derived one an UPDATE: INSERT OR REPLACE, which does either, took
    // 27 µs a row against 15 for either of them (measured with the run index; `docs/performance.md`).
    this.insertRun = db.prepare(INSERT_RUN);
    this.updateRun = db.prepare(`UPDATE runs SET (${RUN_COLUMNS}) = (?${', ?'.repeat(RUN_COLUMNS.split(',').length - 1)}) WHERE seq = ?`);
  }

  /** Must run inside the caller's write transaction; the caller then says whether it `committed` or `rolledBack`. */
  write(spans: readonly OtlpSpan[], model: TraceModeller): TraceWriteResult {
    if (this.resources.generation !== this.keptGeneration) {
      // Kept spans hold resource objects the table no longer hands out: mixed with new ones, the model would
      // take one resource for two.
      this.openTraces.clear();
      this.keptGeneration = this.resources.generation;
    }
    const byTrace = new Map<string, OtlpSpan[]>();
    for (const span of spans) {
      const group = byTrace.get(span.traceId);
      if (group) group.push(span);
      else byTrace.set(span.traceId, [span]);
    }
    const result = emptyResult();
    const nowMs = Date.now();
    // The spans of a request share their resource object: its canonical copy is looked up once per change.
    let received: Attributes | undefined;
    let canonical: Attributes | undefined;
    for (const [traceId, group] of byTrace) {
      const kept = this.deferred.fresh(traceId, group, this.maxSpansPerTrace);
      const stored = kept ? undefined : (this.openTraces.get(traceId) ?? this.loadTrace(traceId));
      const { fresh, refused } = kept ?? withinLimit(freshSpans(stored!, group, result.conflicting), stored!, this.maxSpansPerTrace);
      if (refused.length > 0) {
        this.refusedTraces.refused(traceId, refused.length);
        for (const span of refused) result.refused.push(span);
      }
      for (const span of fresh) {
        if (span.resource !== received) {
          received = span.resource;
          canonical = this.resources.canonical(received);
        }
        span.resource = canonical!;
      }
      result.accepted += fresh.length;
      result.duplicates += group.length - fresh.length - refused.length;
      if (fresh.length === 0) continue;
      this.storeChunks(traceId, fresh);
      if (stored === undefined) {
        this.deferred.defer(traceId, nowMs);
        continue;
      }
      const known = stored.length > 0;
      const all = known ? [...stored, ...fresh] : fresh;
      if (known && all.length >= LARGE_TRACE_SPANS) {
        // A large trace continued: its runs are re-derived later (`remodel`), not on every part.
        this.openTraces.forget(traceId);
        this.deferred.defer(traceId, nowMs, TraceSpanIds.of(all));
        continue;
      }
      if (known) this.openTraces.stage(traceId, all);
      const runs = model(all);
      const hadRuns = this.replaceRuns(traceId, runs, result, known, fresh[0]!.resource);
      result.runsByTrace.set(traceId, { runs, hadRuns });
    }
    return result;
  }

  /** Re-derives the runs of a large trace from all its spans; must run inside the caller's write transaction. */
  remodel(traceId: string, model: TraceModeller): TraceWriteResult {
    const result = emptyResult();
    const started = performance.now();
    const spans = this.loadTrace(traceId);
    if (spans.length > 0) {
      const runs = model(spans);
      result.runsByTrace.set(traceId, { runs, hadRuns: this.replaceRuns(traceId, runs, result, true, spans[0]!.resource) });
    }
    this.deferred.done(traceId, performance.now() - started);
    return result;
  }

  committed(): void {
    if (this.resources.generation === this.keptGeneration) this.openTraces.committed();
    else this.openTraces.rolledBack();
    this.deferred.committed();
  }

  rolledBack(): void {
    this.openTraces.rolledBack();
    this.deferred.rolledBack();
  }

  /** Another connection wrote to the store: the spans and span ids kept may miss some. */
  forgetOpenTraces(): void {
    this.openTraces.clear();
    this.deferred.forgetIds();
  }

  /** Retention deleted some of the trace's spans, not all: the spans kept in memory name them; its schedule stays. */
  partlyPruned(traceId: string): void {
    this.openTraces.forget(traceId);
    this.deferred.partlyPruned(traceId);
  }

  /** Spans of the trace were deleted (retention). */
  pruned(traceId: string): void {
    this.openTraces.forget(traceId);
    this.deferred.forget(traceId);
    this.refusedTraces.forget(traceId);
  }

  /** The stored runs of a trace. */
  runsOfTrace(traceId: string): RunRecord[] {
    const runs: RunRecord[] = [];
    for (const seq of this.index.seqs(IdKind.traceRun, traceId)) {
      const row = this.runBySeq.get(seq);
      const run = row && runFromRow(row, this.resourceOf);
      if (run?.traceId === traceId) runs.push(run);
    }
    return runs;
  }

  /** The stored run with this id. */
  run(id: string): RunRecord | undefined {
    for (const seq of this.index.seqs(IdKind.run, id)) {
      const row = this.runBySeq.get(seq);
      const run = row && runFromRow(row, this.resourceOf);
      if (run?.id === id) return run;
    }
    return undefined;
  }

  /** Spans of the trace refused past its limit, each time one was sent. */
  spansRefused(traceId: string): number {
    return this.refusedTraces.of(traceId);
  }

  /** One row per resource among the trace's new spans (almost always one). */
  private storeChunks(traceId: string, spans: OtlpSpan[]): void {
    const resource = spans[0]!.resource;
    if (spans.every((span) => span.resource === resource)) {
      this.storeChunk(traceId, resource, spans);
      return;
    }
    const byResource = new Map<Attributes, OtlpSpan[]>();
    for (const span of spans) {
      const group = byResource.get(span.resource);
      if (group) group.push(span);
      else byResource.set(span.resource, [span]);
    }
    for (const [resource, group] of byResource) this.storeChunk(traceId, resource, group);
  }

  private storeChunk(traceId: string, resource: Attributes, spans: OtlpSpan[]): void {
    let endMs = -Infinity;
    for (const span of spans) endMs = Math.max(endMs, span.endMs);
    const seq = this.index.nextSeq(IdKind.traceChunk);
    this.insertChunk.run(seq, traceId, this.resources.idOf(resource), endMs, spansToChunk(spans));
    this.index.add(IdKind.traceChunk, traceId, seq);
  }

  private loadTrace(traceId: string): OtlpSpan[] {
    const spans: OtlpSpan[] = [];
    for (const seq of this.index.seqs(IdKind.traceChunk, traceId)) {
      const row = this.chunkBySeq.get(seq);
      if (row?.trace_id === traceId) spans.push(...spansFromChunk(row.spans, traceId, this.resources.attributesOf(row.resource_id)));
    }
    return spans;
  }

  /**
   * Replaces the trace's runs, keeping the row (and so its index entries) of a run whose id stays; returns whether
   * the trace had runs before. A run already stored under another trace (a workflow replayed in a new trace)
   * moves to this one. A new trace has no runs to look up.
   */
  private replaceRuns(traceId: string, runs: RunRecord[], result: TraceWriteResult, known: boolean, resource: Attributes): boolean {
    const base = { id: this.resources.idOf(resource), attributes: resource };
    const previous = known ? this.runHeadsOf(traceId) : undefined;
    const hadRuns = previous !== undefined && previous.size > 0;
    for (const run of runs) {
      const stayed = previous?.get(run.id);
      const before = stayed ?? this.moveFromOtherTrace(run.id, traceId, result.leftTraces);
      previous?.delete(run.id);
      const seq = before?.seq ?? this.index.nextSeq(IdKind.run);
      if (before) this.updateRun.run(runToValues(run, base), seq);
      else this.insertRun.run(seq, runToValues(run, base));
      this.runChanged(run.startMs);
      if (before && before.startMs !== run.startMs) this.runChanged(before.startMs);
      if (!before) {
        this.index.add(IdKind.traceRun, traceId, seq);
        this.index.add(IdKind.run, run.id, seq);
      }
      // A finished run re-derived in its trace keeps its status but may have gained steps, which the metrics count
      // then; one replayed in a new trace (new span ids) is the same run, counted already.
      if (before?.status !== run.status || (stayed !== undefined && run.status !== 'running')) {
        result.transitions.push({ run, previousStatus: before?.status as RunRecord['status'] | undefined });
      }
    }
    if (previous === undefined) return hadRuns;
    for (const [id, { seq, startMs }] of previous) {
      this.deleteRun.run(seq);
      this.runChanged(startMs);
      this.index.remove(IdKind.traceRun, traceId, seq);
      this.index.remove(IdKind.run, id, seq);
    }
    return hadRuns;
  }

  private runHeadsOf(traceId: string): Map<string, StoredRun> {
    const heads = new Map<string, StoredRun>();
    for (const seq of this.index.seqs(IdKind.traceRun, traceId)) {
      const row = this.runHeadBySeq.get(seq);
      if (row?.trace_id === traceId) heads.set(row.id, { seq, status: row.status, startMs: row.start_ms });
    }
    return heads;
  }

  private moveFromOtherTrace(runId: string, traceId: string, left: Set<string>): StoredRun | undefined {
    for (const seq of this.index.seqs(IdKind.run, runId)) {
      const row = this.runHeadBySeq.get(seq);
      if (row?.id !== runId) continue;
      left.add(row.trace_id);
      this.index.remove(IdKind.traceRun, row.trace_id, seq);
      this.index.add(IdKind.traceRun, traceId, seq);
      return { seq, status: row.status, startMs: row.start_ms };
    }
    return undefined;
  }
}

function emptyResult(): TraceWriteResult {
  return { accepted: 0, duplicates: 0, refused: [], conflicting: [], transitions: [], runsByTrace: new Map(), leftTraces: new Set() };
}

/** Pairwise id comparison is cheaper than a Set up to this many spans (a request's part of a trace, typically). */
const PAIRWISE_MAX = 16;

/**
 * The spans of `group` whose id is neither among `stored` nor earlier in `group` (OTLP is at-least-once); a dropped
 * one that says something else than the span kept goes to `conflicting` too.
 */
function freshSpans(stored: readonly OtlpSpan[], group: OtlpSpan[], conflicting: OtlpSpan[]): OtlpSpan[] {
  if (stored.length === 0 && group.length <= PAIRWISE_MAX && !hasRepeatedId(group)) return group;
  const seen = new Map<string, OtlpSpan>();
  for (const span of stored) seen.set(span.spanId, span);
  const fresh: OtlpSpan[] = [];
  for (const span of group) {
    const kept = seen.get(span.spanId);
    if (kept) {
      if (differs(kept, span)) conflicting.push(span);
      continue;
    }
    seen.set(span.spanId, span);
    fresh.push(span);
  }
  return fresh;
}

/** What a run is made of: a span re-sent with another of these is another version of it, not a copy. */
function differs(a: OtlpSpan, b: OtlpSpan): boolean {
  return a.name !== b.name || a.startMs !== b.startMs || a.endMs !== b.endMs || a.statusCode !== b.statusCode || a.parentSpanId !== b.parentSpanId;
}

function hasRepeatedId(spans: readonly OtlpSpan[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    const id = spans[i]!.spanId;
    for (let j = 0; j < i; j++) if (spans[j]!.spanId === id) return true;
  }
  return false;
}
