import type { OtlpSpan } from '../model/otlp.js';
import type { RunnerKind, RunStatus } from '../model/workflow.js';
import type { ErrorInfo } from './errors.js';
import type { SpanNode } from './span-tree.js';

/** Who a run is: the workflow as its users name it and the runner's own run id ('' when the runner gives none). */
export interface RunIdentity {
  workflow: string;
  runId: string;
  attempt?: number;
}

/** What a run span says about its run. */
export interface RunSpanInfo extends RunIdentity {
  status: RunStatus;
  queueMs?: number;
  /**
   * The span ended but its run goes on (a Temporal workflow evicted from a worker's cache, replayed on another):
   * it places the run, but neither ends it nor gives its status.
   */
  interim?: true;
}

/** What a step span says about its step. */
export interface StepInfo {
  status: RunStatus;
  attempt?: number;
  queueMs?: number;
  /** The step's span began when its work was queued, so its time includes the wait. */
  queueWithin?: boolean;
}

/**
 * The part a span plays inside a run:
 * - step: a step a user would name (nested steps keep their parent); `awaitsRun` when it starts a run of its own
 *   (Temporal's StartChildWorkflow) and ends with it: that run's outcome and end are the step's;
 * - attempt: one more try of the enclosing step (Temporal's RunActivity under StartActivity); `of` names that
 *   step when its span has not arrived yet (it ends with its last attempt), so the attempts gather in its place;
 * - wrapper: plumbing around steps (Jenkins' `Phase: Run`), transparent;
 * - queue: waiting time of the enclosing step or run (GitHub's `queue-*`, Jenkins' agent allocation), transparent;
 * - auto: folded into the enclosing step, as a downstream call when it looks like one.
 */
export type SpanRole =
  | { kind: 'step'; name: string; awaitsRun?: true }
  | { kind: 'attempt'; of?: string }
  | { kind: 'wrapper' }
  | { kind: 'queue' }
  | { kind: 'auto' };

export interface RoleContext {
  /** The span's parent span, when it has arrived. */
  parent: OtlpSpan | undefined;
  /** True when no step encloses the span (it sits directly in the run, wrappers aside). */
  atRunLevel: boolean;
}

/** Recognises one runner's span shapes. Detectors are tried in a fixed order; the generic one comes last. */
export interface RunnerDetector {
  readonly runner: RunnerKind;
  /** The run a span stands for, when it is one of this runner's run spans (`children`: the span's, as arrived). */
  runOf(span: OtlpSpan, parent: OtlpSpan | undefined, children: readonly SpanNode[]): RunSpanInfo | undefined;
  /**
   * Where this runner's run ids are unique, when not everywhere (Jenkins numbers builds per controller): two runs
   * of one workflow and id from different places are two runs.
   */
  placeOf?(span: OtlpSpan): string | undefined;
  /**
   * The run an orphan span (`node`, with its children) belongs to, for runners whose steps name their run
   * (Airflow, CI/CD conventions with the pipeline on the resource, Temporal with the client's span among the
   * trace's `roots`): their run span ends last, so a running run is sent without it.
   */
  inferRunOf?(node: SpanNode, roots: readonly SpanNode[]): RunIdentity | undefined;
  roleOf(span: OtlpSpan, context: RoleContext): SpanRole;
  stepOf(span: OtlpSpan): StepInfo;
  /** Runner-specific error detail (annotations, error-type attributes), preferred to the span's own. */
  errorOf?(span: OtlpSpan): ErrorInfo | undefined;
  /**
   * Spans this runner sends besides its runs (scheduler loops, signals, controller housekeeping): a trace made
   * only of such spans is the runner's own business, not a workflow for the generic fallback.
   */
  claims?(span: OtlpSpan): boolean;
  /** Steps of one parent sharing a name are tries of one task (Airflow) and merge into one step. */
  readonly mergesRetries?: boolean;
}
