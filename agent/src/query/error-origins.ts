import type { RunRecord, StepRecord } from '../model/workflow.js';

export interface ErrorOrigin {
  /** The step where the error originated; undefined when only the run carries an error. */
  step: StepRecord | undefined;
  message: string;
  timeMs: number;
}

/**
 * Where a run's errors come from: each failing step with an error message none of its child steps carries (the
 * deepest failure, not the parents that failed because of it), else the run's own error.
 */
export function errorOrigins(run: RunRecord): ErrorOrigin[] {
  const parentsOfErrors = new Set<string>();
  for (const step of run.steps) if (step.errorMessage && step.parentId !== undefined) parentsOfErrors.add(step.parentId);
  const origins: ErrorOrigin[] = [];
  for (const step of run.steps) {
    if (step.errorMessage && !parentsOfErrors.has(step.id)) origins.push({ step, message: step.errorMessage, timeMs: step.endMs });
  }
  if (origins.length === 0 && run.errorMessage) origins.push({ step: undefined, message: run.errorMessage, timeMs: run.endMs });
  return origins;
}
