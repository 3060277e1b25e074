import { hash } from 'node:crypto';
import type { Attributes, OtlpSpan } from '../model/otlp.js';
import { mergeAttributes } from '../model/merge-attributes.js';
import type { Downstream, RunnerKind, RunRecord, RunStatus, StepRecord } from '../model/workflow.js';
import { num } from './attributes.js';
import type { RunIdentity, RunnerDetector, RunSpanInfo, StepInfo } from './detector.js';
import { addDownstream, sortDownstream } from './downstream.js';
import { deeper, type Origin, setError } from './error-origin.js';
import { spanError } from './errors.js';
import { mergeRetries } from './merge-retries.js';
import { isFailing } from './status.js';

abstract class RecordBuilder {
  /** Best error origin per attempt span id ('' outside attempts): a retried step failed the way its last try did. */
  /** Made for the first failing span only: most steps never fail, and a Map per step was a share of the model's time. */
  protected origins: Map<string, Origin> | undefined;
  queueMs: number | undefined;

  constructor(readonly detector: RunnerDetector) {}

  /** Offers a failing span inside this record (not inside a nested step) as its error origin. */
  offer(span: OtlpSpan, depth: number, attempt: string): void {
    const error = this.detector.errorOf?.(span) ?? spanError(span);
    if (error !== undefined) this.offerOrigin({ span, depth, error }, attempt);
  }

  offerOrigin(candidate: Origin, attempt: string): void {
    this.origins ??= new Map();
    const best = this.origins.get(attempt);
    if (best === undefined || deeper(candidate, best)) this.origins.set(attempt, candidate);
  }

  /** Queue spans: githubreceiver states the wait in ns; otherwise the span's length is the wait. */
  addQueue(span: OtlpSpan): void {
    const ns = num(span, 'cicd.pipeline.run.queue.duration');
    const ms = ns !== undefined ? ns / 1e6 : Math.max(0, span.endMs - span.startMs);
    this.queueMs = Math.max(this.queueMs ?? 0, ms);
  }
}

export class StepBuilder extends RecordBuilder {
  readonly spanIds: string[];
  readonly attempts: OtlpSpan[] = [];
  readonly downstream: Downstream[] = [];
  readonly info: StepInfo;
  /** A queue span lies inside the step's own span: its time includes the wait. */
  private queueSpanWithin = false;

  constructor(
    detector: RunnerDetector,
    readonly span: OtlpSpan,
    readonly name: string,
    readonly parent: StepBuilder | undefined,
    /** The parent's attempt this step ran in ('' when none). */
    readonly inAttempt: string,
  ) {
    super(detector);
    this.spanIds = [span.spanId];
    this.info = detector.stepOf(span);
  }

  override addQueue(span: OtlpSpan): void {
    super.addQueue(span);
    this.queueSpanWithin = span.startMs >= this.span.startMs;
  }

  addAttempt(span: OtlpSpan): void {
    this.attempts.push(span);
    this.spanIds.push(span.spanId);
  }

  addDownstream(span: OtlpSpan): void {
    addDownstream(this.downstream, span);
  }

  /** The latest attempt decides, unless the step span itself already failed. */
  status(): RunStatus {
    const own = this.info.status;
    const latest = this.latestAttempt();
    return latest === undefined || isFailing(own) ? own : this.detector.stepOf(latest).status;
  }

  /** Where the failure started: outside any attempt, or in the latest attempt. */
  origin(): Origin | undefined {
    const outside = this.origins?.get('');
    const latest = this.latestAttempt();
    const last = latest !== undefined ? this.origins?.get(latest.spanId) : undefined;
    if (outside === undefined || last === undefined) return outside ?? last;
    return deeper(last, outside) ? last : outside;
  }

  private latestAttempt(): OtlpSpan | undefined {
    let latest = this.attempts[0];
    for (const attempt of this.attempts) {
      if (attempt.startMs > latest!.startMs || (attempt.startMs === latest!.startMs && attempt.spanId > latest!.spanId)) latest = attempt;
    }
    return latest;
  }

  /** Scheduled to first picked up (Temporal's schedule-to-start), when the step has attempt spans. */
  private waitForFirstAttempt(): number | undefined {
    if (this.attempts.length === 0) return undefined;
    let first = Infinity;
    for (const attempt of this.attempts) first = Math.min(first, attempt.startMs);
    return Math.max(0, first - this.span.startMs);
  }

  toRecord(status: RunStatus, runResource: Attributes): StepRecord {
    const span = this.span;
    let endMs = span.endMs;
    for (const attempt of this.attempts) endMs = Math.max(endMs, attempt.endMs);
    const attempt = this.info.attempt ?? (this.attempts.length > 0 ? this.attempts.length : undefined);
    const queueMs = this.queueMs ?? this.info.queueMs ?? this.waitForFirstAttempt();
    // Attempts start inside the step's span, as queue spans nested in it do.
    const queueWithin = this.queueMs !== undefined ? this.queueSpanWithin : this.info.queueMs !== undefined ? this.info.queueWithin : this.attempts.length > 0;
    const record: StepRecord = {
      id: span.spanId,
      name: this.name,
      status,
      startMs: span.startMs,
      endMs,
      durationMs: Math.max(0, endMs - span.startMs),
      attributes: span.resource === runResource ? span.attributes : mergeAttributes(span.resource, span.attributes),
      downstream: sortDownstream(this.downstream),
      spanIds: this.spanIds,
    };
    if (this.parent !== undefined) record.parentId = this.parent.span.spanId;
    if (queueMs !== undefined) record.queueMs = queueMs;
    if (queueMs !== undefined && queueWithin) record.queueWithin = true;
    if (attempt !== undefined) record.attempt = attempt;
    if (isFailing(status)) setError(record, this.origin());
    return record;
  }
}

export class RunBuilder extends RecordBuilder {
  readonly steps: StepBuilder[] = [];
  /** The run span; undefined while the run is only inferred from its steps. */
  span: OtlpSpan | undefined;
  private info: RunSpanInfo | undefined;
  private earliestStartMs = Infinity;

  constructor(
    readonly key: string,
    detector: RunnerDetector,
    readonly identity: RunIdentity,
    private readonly firstSpan: OtlpSpan,
  ) {
    super(detector);
  }

  /** Key of a run: runner, workflow, run id and attempt when the runner gives an id, else the run span itself. */
  static keyOf(runner: RunnerKind, identity: RunIdentity, span: OtlpSpan): string {
    return identity.runId !== ''
      ? `${runner}\n${identity.workflow}\n${identity.runId}\n${identity.attempt ?? ''}`
      : `${runner}\n${span.traceId}\n${span.spanId}`;
  }

  /** Several spans may stand for one run (a workflow replayed on another worker): the latest-ending one speaks. */
  addRunSpan(span: OtlpSpan, info: RunSpanInfo): void {
    this.earliestStartMs = Math.min(this.earliestStartMs, span.startMs);
    const current = this.span;
    if (current === undefined || span.endMs > current.endMs || (span.endMs === current.endMs && span.spanId > current.spanId)) {
      this.span = span;
      this.info = info;
    }
  }

  addStep(span: OtlpSpan, name: string, parent: StepBuilder | undefined, inAttempt: string): StepBuilder {
    const step = new StepBuilder(this.detector, span, name, parent, inAttempt);
    this.steps.push(step);
    return step;
  }

  finish(): RunRecord {
    const span = this.span;
    const resource = (span ?? this.firstSpan).resource;
    const statuses = new Array<RunStatus>(this.steps.length);
    // Children were added after their parents: walking backwards settles each step before its parent, so a
    // failing step hands its origin up only through failing ancestors.
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      const status = step.status();
      statuses[i] = status;
      const origin = isFailing(status) ? step.origin() : undefined;
      if (origin !== undefined) (step.parent ?? this).offerOrigin(origin, step.inAttempt);
    }
    let steps = this.steps.map((step, i) => step.toRecord(statuses[i]!, resource));
    if (this.detector.mergesRetries) steps = mergeRetries(steps);

    let startMs: number;
    let endMs: number;
    if (span !== undefined) {
      startMs = this.earliestStartMs;
      endMs = span.endMs;
    } else {
      startMs = Infinity;
      endMs = -Infinity;
      for (const step of steps) {
        startMs = Math.min(startMs, step.startMs);
        endMs = Math.max(endMs, step.endMs);
      }
    }
    const info = this.info;
    const status: RunStatus = info?.status ?? 'running';
    const identity = info ?? this.identity;
    const record: RunRecord = {
      id: runId(this.key),
      workflow: identity.workflow,
      runner: this.detector.runner,
      runId: identity.runId !== '' ? identity.runId : this.firstSpan.traceId,
      traceId: this.firstSpan.traceId,
      spanId: span?.spanId ?? '',
      status,
      startMs,
      endMs,
      durationMs: Math.max(0, endMs - startMs),
      attributes: span !== undefined ? mergeAttributes(span.resource, span.attributes) : mergeAttributes(resource),
      steps,
    };
    const queueMs = this.queueMs ?? info?.queueMs;
    if (queueMs !== undefined) record.queueMs = queueMs;
    if (identity.attempt !== undefined) record.attempt = identity.attempt;
    if (isFailing(status)) setError(record, this.origins?.get(''));
    return record;
  }
}

/** Stable, opaque run id: 32 hex characters of SHA-256 over the run key (one-shot `hash`: no Hash object per run). */
function runId(key: string): string {
  return hash('sha256', key, 'hex').slice(0, 32);
}
