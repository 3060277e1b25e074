import { hash } from 'node:crypto';
import type { Attributes, OtlpSpan } from '../model/otlp.js';
import { StatusCode } from '../model/otlp.js';
import { mergeAttributes } from '../model/merge-attributes.js';
import type { Downstream, RunRecord, RunStatus, StepRecord } from '../model/workflow.js';
import { num } from './attributes.js';
import type { RunIdentity, RunnerDetector, RunSpanInfo, StepInfo } from './detector.js';
import { addDownstream, sortDownstream } from './downstream.js';
import { deeper, type Origin, setError } from './error-origin.js';
import { spanError } from './errors.js';
import { mergeRetries, rerunAttempt } from './merge-retries.js';
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
  /** The run this step started and waits for (Temporal's child workflow), once its run span was met. */
  private childRun: RunBuilder | undefined;

  constructor(
    detector: RunnerDetector,
    readonly span: OtlpSpan,
    readonly name: string,
    readonly parent: StepBuilder | undefined,
    /** The parent's attempt this step ran in ('' when none). */
    readonly inAttempt: string,
    /** The step starts a run of its own and ends with it. */
    readonly awaitsRun = false,
    /** `span` only stands in for the step's span, which has not arrived: it says nothing of the step's wait. */
    private readonly standIn = false,
    /** Attributes of the wrappers around the step or in it, under its own. */
    private wrapped?: Attributes,
  ) {
    super(detector);
    this.spanIds = [span.spanId];
    this.info = detector.stepOf(span);
  }

  /** The run this step started, met inside it. */
  started(run: RunBuilder): void {
    this.childRun ??= run;
  }

  override addQueue(span: OtlpSpan): void {
    super.addQueue(span);
    this.queueSpanWithin = span.startMs >= this.span.startMs;
  }

  /** A wrapper's attributes inside the step, under its own and those of wrappers met before. */
  wrap(attributes: Attributes): void {
    this.wrapped = this.wrapped === undefined ? attributes : mergeAttributes(this.wrapped, attributes);
  }

  addAttempt(span: OtlpSpan): void {
    this.attempts.push(span);
    this.spanIds.push(span.spanId);
  }

  addDownstream(span: OtlpSpan): void {
    addDownstream(this.downstream, span);
  }

  /** The run it started decides once that run ended, else the latest attempt, unless the step span itself already failed. */
  status(): RunStatus {
    const own = this.info.status;
    if (isFailing(own)) return own;
    const child = this.endedChild();
    if (child !== undefined) return child.status;
    const latest = this.latestAttempt();
    return latest === undefined ? own : this.detector.stepOf(latest).status;
  }

  /** Where the failure started: outside any attempt, in the latest attempt, or in the run it started. */
  origin(): Origin | undefined {
    const latest = this.latestAttempt();
    const inLatest = latest !== undefined ? this.origins?.get(latest.spanId) : undefined;
    const inChild = this.endedChild() !== undefined ? this.childRun!.origin() : undefined;
    return deepest(deepest(this.origins?.get(''), inLatest), inChild);
  }

  /** The started run's record once its run span arrived (until then the step is what its own spans say). */
  private endedChild(): RunRecord | undefined {
    const child = this.childRun?.finish();
    return child !== undefined && child.spanId !== '' ? child : undefined;
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
    if (this.attempts.length === 0 || this.standIn) return undefined;
    let first = Infinity;
    for (const attempt of this.attempts) first = Math.min(first, attempt.startMs);
    return Math.max(0, first - this.span.startMs);
  }

  /**
   * The step span's attributes (with its resource when not the run's), under them its wrappers', and over them those
   * of the attempt that decided it, with that attempt's resource: where a Temporal activity ran is its worker's host,
   * not the workflow worker's that scheduled it. That attempt is the first that failed, when one did (a host that fails
   * first tries is what needing retries points at), else the latest.
   */
  private attributes(runResource: Attributes): Attributes {
    // A span's attributes with its resource's, unless that is the run's (the run holds those once).
    const own = (span: OtlpSpan) => (span.resource === runResource ? span.attributes : mergeAttributes(span.resource, span.attributes));
    let attributes = own(this.span);
    if (this.wrapped !== undefined) attributes = mergeAttributes(this.wrapped, attributes);
    const decided = this.decidingAttempt();
    if (decided !== undefined) attributes = mergeAttributes(attributes, own(decided));
    return attributes;
  }

  private decidingAttempt(): OtlpSpan | undefined {
    return this.firstFailedAttempt() ?? this.latestAttempt();
  }

  private firstFailedAttempt(): OtlpSpan | undefined {
    let firstFailed: OtlpSpan | undefined;
    for (const attempt of this.attempts) {
      if (isFailing(this.detector.stepOf(attempt).status) && (firstFailed === undefined || attempt.startMs < firstFailed.startMs)) firstFailed = attempt;
    }
    return firstFailed;
  }

  toRecord(status: RunStatus, runResource: Attributes): StepRecord {
    const span = this.span;
    let endMs = Math.max(span.endMs, this.endedChild()?.endMs ?? -Infinity);
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
      attributes: this.attributes(runResource),
      downstream: sortDownstream(this.downstream),
      spanIds: this.spanIds,
    };
    if (this.parent !== undefined) record.parentId = this.parent.span.spanId;
    if (queueMs !== undefined) record.queueMs = queueMs;
    if (queueMs !== undefined && queueWithin) record.queueWithin = true;
    if (attempt !== undefined) record.attempt = attempt;
    if (isFailing(status)) setError(record, this.origin());
    else if (status === 'success' && this.attempts.length > 1) {
      const error = this.firstFailedAttemptError();
      if (error !== undefined) record.retryError = error;
    }
    return record;
  }

  /** The error the first failed attempt gave, for a step that passed on a later one. */
  private firstFailedAttemptError(): string | undefined {
    const failed = this.firstFailedAttempt();
    const error = failed && (this.origins?.get(failed.spanId)?.error ?? this.detector.errorOf?.(failed) ?? spanError(failed));
    return error?.message ?? error?.type;
  }
}

export class RunBuilder extends RecordBuilder {
  readonly steps: StepBuilder[] = [];
  /** The run span; undefined until the run ended (inferred from its steps, or placed by interim run spans). */
  span: OtlpSpan | undefined;
  private info: RunSpanInfo | undefined;
  private earliestStartMs = Infinity;
  /** The latest end of interim run spans: a running run has lasted at least that long. */
  private interimEndMs = -Infinity;
  /** Steps standing in for step spans not arrived yet, by those spans' ids. */
  private standIns: Map<string, StepBuilder> | undefined;
  private record: RunRecord | undefined;

  constructor(
    readonly key: string,
    detector: RunnerDetector,
    readonly identity: RunIdentity,
    private readonly firstSpan: OtlpSpan,
  ) {
    super(detector);
  }

  /**
   * Several spans may stand for one run (a workflow replayed on another worker): the latest-ending one speaks,
   * and an interim one only when none other came.
   */
  addRunSpan(span: OtlpSpan, info: RunSpanInfo): void {
    this.earliestStartMs = Math.min(this.earliestStartMs, span.startMs);
    if (info.interim) {
      this.interimEndMs = Math.max(this.interimEndMs, span.endMs);
      return;
    }
    const current = this.span;
    if (current === undefined || span.endMs > current.endMs || (span.endMs === current.endMs && span.spanId > current.spanId)) {
      this.span = span;
      this.info = info;
    }
  }

  addStep(span: OtlpSpan, name: string, parent: StepBuilder | undefined, inAttempt: string, awaitsRun = false, wrapped?: Attributes): StepBuilder {
    const step = new StepBuilder(this.detector, span, name, parent, inAttempt, awaitsRun, false, wrapped);
    this.steps.push(step);
    return step;
  }

  /**
   * The step `attempt` is a try of, when that step's span has not arrived (a running Temporal activity's
   * StartActivity): one stand-in per missing span, with its id, so the tries gather as they will under it.
   */
  standInStep(attempt: OtlpSpan, name: string): StepBuilder {
    this.standIns ??= new Map();
    let step = this.standIns.get(attempt.parentSpanId);
    if (step === undefined) {
      const span = { ...attempt, spanId: attempt.parentSpanId, parentSpanId: '', attributes: {}, statusCode: StatusCode.UNSET, statusMessage: '', events: [] };
      step = new StepBuilder(this.detector, span, name, undefined, '', false, true);
      this.steps.push(step);
      this.standIns.set(attempt.parentSpanId, step);
    }
    return step;
  }

  /** The deepest failing span of the run, once finished. */
  origin(): Origin | undefined {
    return this.origins?.get('');
  }

  /** The run's record, made once: a step that started this run reads it. */
  finish(): RunRecord {
    return (this.record ??= this.build());
  }

  private build(): RunRecord {
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
    const rerun = this.detector.mergesRetries ? rerunAttempt(steps) : undefined;
    if (this.detector.mergesRetries) steps = mergeRetries(steps);

    let startMs: number;
    let endMs: number;
    if (span !== undefined) {
      startMs = this.earliestStartMs;
      endMs = span.endMs;
    } else {
      startMs = this.earliestStartMs;
      endMs = this.interimEndMs;
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
    const attempt = identity.attempt ?? rerun;
    if (attempt !== undefined) record.attempt = attempt;
    if (isFailing(status)) setError(record, this.origins?.get(''));
    return record;
  }
}

function deepest(a: Origin | undefined, b: Origin | undefined): Origin | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return deeper(b, a) ? b : a;
}

/** Stable, opaque run id: 32 hex characters of SHA-256 over the run key (one-shot `hash`: no Hash object per run). */
function runId(key: string): string {
  return hash('sha256', key, 'hex').slice(0, 32);
}
