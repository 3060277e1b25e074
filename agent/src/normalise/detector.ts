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
 * - step: a step a user would name (nested steps keep their parent);
 * - attempt: one more try of the enclosing step (Temporal's RunActivity under StartActivity);
 * - wrapper: plumbing around steps (Jenkins' `Phase: Run`), transparent;
 * - queue: waiting time of the enclosing step or run (GitHub's `queue-*`, Jenkins' agent allocation), transparent;
 * - auto: folded into the enclosing step, as a downstream call when it looks like one.
 */
export type SpanRole =
  | { kind: 'step'; name: string }
  | { kind: 'attempt' }
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
  /** The run a span stands for, when it is one of this runner's run spans. */
  runOf(span: OtlpSpan, parent: OtlpSpan | undefined): RunSpanInfo | undefined;
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
