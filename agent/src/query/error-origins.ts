import type { RunRecord, StepRecord } from '../model/workflow.js';

export interface ErrorOrigin {
  /** The step where the error originated; undefined when only the run carries an error. */
  step: StepRecord | undefined;
  /** Undefined only for an error that says its type alone (`typesToo`). */
  message: string | undefined;
  timeMs: number;
}

type Failing = Pick<StepRecord, 'errorMessage' | 'errorType'>;

/**
 * Where a run's errors come from: each failing step with an error none of its child steps carries (the deepest
 * failure, not the parents that failed because of it), else the run's own error. An error is its message; with
 * `typesToo`, a step that gives only its error's type counts too (a run's page lists it; templates need a message).
 */
export function errorOrigins(run: RunRecord, typesToo: true): ErrorOrigin[];
export function errorOrigins(run: RunRecord): (ErrorOrigin & { message: string })[];
export function errorOrigins(run: RunRecord, typesToo = false): ErrorOrigin[] {
  const hasError = (s: Failing) => s.errorMessage !== undefined || (typesToo && s.errorType !== undefined);
  const parentsOfErrors = new Set<string>();
  for (const step of run.steps) if (hasError(step) && step.parentId !== undefined) parentsOfErrors.add(step.parentId);
  const origins: ErrorOrigin[] = [];
  for (const step of run.steps) {
    if (hasError(step) && !parentsOfErrors.has(step.id)) origins.push({ step, message: step.errorMessage, timeMs: step.endMs });
  }
  if (origins.length === 0 && hasError(run)) origins.push({ step: undefined, message: run.errorMessage, timeMs: run.endMs });
  return origins;
}
