import { randomInt } from 'node:crypto';
import type { LogBatch, OtlpLogRecord, OtlpSpan, TraceBatch } from '../model/otlp.js';
import { BackpressureError, type ExportOutcome, type OtlpConsumer } from '../receive/consumer.js';
import type { Store, TemplateMerge, TemplateOf, TemplateRef, TraceModeller, WriteResult } from '../store/store.js';
import { firstFew } from '../runtime/first-few.js';

export interface WriteQueueOptions {
  /** Spans plus log records waiting to be written before new requests are refused. */
  maxPendingItems: number;
}

export interface WriteQueueDeps {
  store: Store;
  model: TraceModeller;
  /** Template of a log body, learnt as it arrives. */
  mineLog: (record: OtlpLogRecord) => TemplateRef | undefined;
  templateOf: TemplateOf;
  /** Template merges since the last write, for the store to re-key. */
  takeMerges: () => TemplateMerge[];
  /** Called after each commit (metrics, pattern counts); must not throw. */
  onWritten: (result: WriteResult, logs: readonly OtlpLogRecord[], logTemplates: readonly (TemplateRef | undefined)[]) => void;
  /** Called when a batch could not be stored, with what its senders were answered (a BackpressureError when they may retry). */
  onFailed: (error: Error, items: number) => void;
  /** Called when the deferred runs of large traces could not be re-derived (tried again later): the first error. */
  onRemodelFailed: (error: Error, traces: number) => void;
}

/** Re-deriving the runs of large traces stops for other callbacks (requests) once this long has gone by. */
const REMODEL_SLICE_MS = 20;
/**
 * The share of the event loop that re-deriving large traces takes at most, however many are due: each trace is
 * spaced out by ten times its own cost (`deferred-traces.ts`), but twenty growing together would take it all.
 */
const REMODEL_SHARE = 0.1;

interface Waiter {
  resolve: (outcome: ExportOutcome) => void;
  reject: (error: Error) => void;
  /** The request's spans in the batch: `spans[from]` up to `spans[to]`, not included. */
  from: number;
  to: number;
}

const ACCEPTED: ExportOutcome = { rejected: 0 };

/**
 * Joins the receivers to the store. Requests arriving in the same turn of the event loop are written in one
 * transaction (group commit), and each request is answered only once that transaction has committed: data is
 * acknowledged only when durable. The queue is bounded; past the bound, requests are refused with a retryable
 * error instead of buffering without limit. Between writes, it has the store re-derive the runs of large traces
 * that it deferred, once due.
 */
export class WriteQueue implements OtlpConsumer {
  private spans: OtlpSpan[] = [];
  private logs: OtlpLogRecord[] = [];
  private logTemplates: (TemplateRef | undefined)[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private remodelTimer: NodeJS.Timeout | undefined;
  /** Merges taken for a write that failed: the tracker has let them go, so they wait here for the next write. */
  private unwrittenMerges: TemplateMerge[] = [];
  /** No slice of re-deriving starts before this (wall clock). */
  private remodelAfterMs = 0;

  constructor(
    private readonly options: WriteQueueOptions,
    private readonly deps: WriteQueueDeps,
  ) {
    // Traces a stopped agent left with deferred runs are due at once.
    this.scheduleRemodel();
  }

  consumeTraces(batch: TraceBatch): Promise<ExportOutcome> {
    return this.enqueue(batch.spanCount, () => {
      for (const group of batch.resourceSpans) for (const scope of group.scopes) for (const span of scope.spans) this.spans.push(span);
    });
  }

  consumeLogs(batch: LogBatch): Promise<ExportOutcome> {
    return this.enqueue(batch.recordCount, () => {
      for (const group of batch.resourceLogs) {
        for (const scope of group.scopes) {
          for (const record of scope.logRecords) {
            this.logs.push(record);
            this.logTemplates.push(this.deps.mineLog(record));
          }
        }
      }
    });
  }

  /** Stops taking new data and resolves once everything taken is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    clearTimeout(this.remodelTimer);
    this.remodelTimer = undefined;
    // Leaves the runs current; what fails here is done by the next agent to open the store.
    this.remodel(Infinity);
    this.writeMerges();
  }

  /**
   * Writes the template merges made since the last write (learnt while it stored runs' errors, or by an analysis
   * pass), which otherwise wait for the next one. Before the miner is saved: a saved miner no longer knows the
   * retired ids, so the store must re-key them first, or never; false when they could not be written.
   */
  writeMerges(): boolean {
    const templateMerges = this.takeMerges();
    if (templateMerges.length === 0) return true;
    try {
      this.deps.store.write({ spans: [], logs: [], logTemplates: [], templateMerges }, this.deps.model, this.deps.templateOf);
      return true;
    } catch (error) {
      this.unwrittenMerges = templateMerges;
      this.deps.onFailed(storeFailure(error as Error), 0);
      return false;
    }
  }

  private takeMerges(): TemplateMerge[] {
    const merges = [...this.unwrittenMerges, ...this.deps.takeMerges()];
    this.unwrittenMerges = [];
    return merges;
  }

  private get pending(): number {
    return this.spans.length + this.logs.length;
  }

  private enqueue(items: number, add: () => void): Promise<ExportOutcome> {
    if (this.closed) return Promise.reject(new BackpressureError('the agent is shutting down', 5));
    if (items === 0) return Promise.resolve({ rejected: 0 });
    if (this.pending > 0 && this.pending + items > this.options.maxPendingItems) {
      // 1 to 3 s at random: senders refused together and told the same delay all come back together, and one of
      // them can lose every round until its exporter gives up (the OTel exporters try five times).
      return Promise.reject(
        new BackpressureError(`write queue full (${this.pending} items waiting); retry later`, 1 + randomInt(3)),
      );
    }
    const from = this.spans.length;
    add();
    const to = this.spans.length;
    return new Promise<ExportOutcome>((resolve, reject) => {
      this.waiters.push({ resolve, reject, from, to });
      if (!this.scheduled) {
        this.scheduled = true;
        this.idle = new Promise((done) => (this.markIdle = done));
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const spans = this.spans;
    const logs = this.logs;
    const logTemplates = this.logTemplates;
    const waiters = this.waiters;
    this.spans = [];
    this.logs = [];
    this.logTemplates = [];
    this.waiters = [];
    this.scheduled = false;
    const templateMerges = this.takeMerges();
    let result: WriteResult;
    try {
      result = this.deps.store.write(
        { spans, logs, logTemplates: logTemplates.map((t) => t?.templateId), templateMerges },
        this.deps.model,
        this.deps.templateOf,
      );
    } catch (error) {
      this.unwrittenMerges = templateMerges;
      const failure = storeFailure(error as Error);
      for (const waiter of waiters) waiter.reject(failure);
      this.deps.onFailed(failure, spans.length + logs.length);
      this.markIdle();
      return;
    }
    const refused = result.spansRefused.length > 0 ? new Set(result.spansRefused) : undefined;
    const conflicting = result.spansConflicting.length > 0 ? new Set(result.spansConflicting) : undefined;
    for (const waiter of waiters) waiter.resolve(refused || conflicting ? outcomeOf(spans, waiter, refused, conflicting) : ACCEPTED);
    this.deps.onWritten(result, logs, logTemplates);
    this.markIdle();
    this.scheduleRemodel();
  }

  /** One timer at a time, for the earliest trace due (wall clock: this schedules work, it is not the data's time). */
  private scheduleRemodel(): void {
    if (this.closed || this.remodelTimer) return;
    const next = this.deps.store.nextRemodelMs();
    if (next === undefined) return;
    this.remodelTimer = setTimeout(() => {
      this.remodelTimer = undefined;
      this.remodel(Date.now(), REMODEL_SLICE_MS);
    }, Math.max(0, Math.max(next, this.remodelAfterMs) - Date.now())).unref();
  }

  private remodel(nowMs: number, budgetMs = Infinity): void {
    const started = performance.now();
    const outcome = this.deps.store.remodelDeferred(this.deps.model, this.deps.templateOf, nowMs, budgetMs);
    this.remodelAfterMs = Date.now() + (performance.now() - started) * (1 / REMODEL_SHARE - 1);
    if (outcome) {
      this.deps.onWritten(outcome.written, [], []);
      if (outcome.failures.length > 0) this.deps.onRemodelFailed(outcome.failures[0]!, outcome.failures.length);
    }
    this.scheduleRemodel();
  }
}

/**
 * What a request is told of its spans: those refused because their traces already hold the most spans a trace
 * may, and, as a warning (OTLP's partial success with nothing rejected), those re-sent with other content.
 */
function outcomeOf(spans: readonly OtlpSpan[], { from, to }: Waiter, refused?: ReadonlySet<OtlpSpan>, conflicting?: ReadonlySet<OtlpSpan>): ExportOutcome {
  const ofRequest = (set: ReadonlySet<OtlpSpan> | undefined) => (set ? spans.slice(from, to).filter((span) => set.has(span)) : []);
  const refusals = ofRequest(refused);
  const conflicts = ofRequest(conflicting);
  if (refusals.length === 0 && conflicts.length === 0) return ACCEPTED;
  const messages: string[] = [];
  if (refusals.length > 0) {
    const traces = [...new Set(refusals.map((span) => span.traceId))];
    const one = traces.length === 1;
    messages.push(
      `${count(refusals.length)} refused: ${one ? 'trace' : 'traces'} ${firstFew(traces)} already ${one ? 'holds' : 'hold'} as many spans as a trace may (otlp.maxSpansPerTrace)`,
    );
  }
  if (conflicts.length > 0) {
    const ids = conflicts.map((span) => `${span.traceId}/${span.spanId}`);
    messages.push(
      `warning: ${count(conflicts.length)} already stored with other content (name, times, status or parent) kept as first received: ${firstFew(ids)}`,
    );
  }
  return { rejected: refusals.length, ...(refusals.length > 0 && { reason: 'trace_limit' as const }), message: messages.join('; ') };
}

const count = (n: number) => `${n} ${n === 1 ? 'span' : 'spans'}`;

/** A full disk, a read-only file or a locked database is transient for the sender: it should retry later. */
function storeFailure(error: Error & { code?: string }): Error {
  const code = error.code ?? '';
  if (/SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN)/.test(code)) {
    return new BackpressureError(`store unavailable (${code}): ${error.message}`, 5);
  }
  return error;
}
