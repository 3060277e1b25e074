import { sameValue } from '../../model/attribute-values.js';
import type { Category } from '../../model/finding.js';
import { failingParents, isDecided, isFailed, passedOnRetry, type RunRecord, type StepRecord } from '../../model/workflow.js';
import { failedItself, hitPlace } from '../hit-place.js';
import type { WorkflowHistory } from '../context.js';
import { CHANGE_KEY } from '../correlation/explain.js';
import { categorise } from '../failures/categorise.js';
import { mostCommon } from '../stats.js';
import { createMasker, render } from '../templates/masking.js';

/** How a step ended in one run: at the first try, after failed tries, or failed. */
export const PASSED = 0;
export const RETRIED = 1;
export const FAILED = 2;
export type StepOutcome = typeof PASSED | typeof RETRIED | typeof FAILED;

/** One step's outcome in each run it ran in, oldest first. */
export interface StepOutcomes {
  step: string;
  runs: RunRecord[];
  outcomes: StepOutcome[];
  /** For each run: the failing step's error message, or its failed try's when it passed on a retry, else undefined. */
  messages: (string | undefined)[];
}

/**
 * Each step's outcome across the runs (oldest first). A step counts as failed only where the failure started in it
 * (no failing step beneath it), so a suite does not fail alongside the test that failed it; a cancelled or skipped
 * step says nothing. A step name seen twice in a run takes its worst outcome there, but for a step that failed and
 * then ran again and passed after it: that is a retry its runner did not number (two task spans of one name).
 */
export function stepOutcomes(runs: readonly RunRecord[]): StepOutcomes[] {
  const byStep = new Map<string, StepOutcomes>();
  for (const run of runs) {
    const parents = failingParents(run);
    const seen = new Map<string, number>();
    const recorded = new Map<string, StepRecord>();
    for (const step of run.steps) {
      if (!isDecided(step.status) || parents.has(step.id)) continue;
      const outcome: StepOutcome = isFailed(step.status) ? FAILED : passedOnRetry(step, run) ? RETRIED : PASSED;
      const message =
        outcome === FAILED ? (step.errorMessage ?? step.errorType ?? `step ended with status ${step.status}`) : outcome === RETRIED ? step.retryError : undefined;
      let entry = byStep.get(step.name);
      if (!entry) byStep.set(step.name, (entry = { step: step.name, runs: [], outcomes: [], messages: [] }));
      const at = seen.get(step.name);
      if (at === undefined) {
        seen.set(step.name, entry.runs.length);
        recorded.set(step.name, step);
        entry.runs.push(run);
        entry.outcomes.push(outcome);
        entry.messages.push(message);
      } else if (triedAgain(recorded.get(step.name)!, entry.outcomes[at]!, step, outcome)) {
        // The pass is what the step came to, whichever came first in the list.
        if (outcome !== FAILED) recorded.set(step.name, step);
        entry.outcomes[at] = RETRIED;
        // The failed try's error: what made it need the other.
        if (outcome === FAILED) entry.messages[at] = message;
      } else if (outcome > entry.outcomes[at]!) {
        recorded.set(step.name, step);
        entry.outcomes[at] = outcome;
        entry.messages[at] = message;
      }
    }
  }
  return [...byStep.values()];
}

/**
 * Whether of two steps of one name in one run, one failed and the other passed after it ended, under the same
 * parent and neither numbered: a try its runner did not number. Steps of one name in two parents (a matrix's jobs)
 * are two steps, and numbered tries are merged by their runner's rules before this (`merge-retries.ts`).
 */
function triedAgain(a: StepRecord, aOutcome: StepOutcome, b: StepRecord, bOutcome: StepOutcome): boolean {
  if (a.parentId !== b.parentId || a.attempt !== undefined || b.attempt !== undefined) return false;
  if (aOutcome === FAILED && bOutcome !== FAILED) return b.startMs >= a.endMs;
  if (bOutcome === FAILED && aOutcome !== FAILED) return a.startMs >= b.endMs;
  return false;
}

/**
 * Where the steps called `step` failed (the failure starting in them, as `stepOutcomes` counts it) or passed only on
 * a retry in the newest of `hit` (the runs it did not pass at the first try in, oldest first), when one place alone:
 * a matrix's job.
 */
export function hitStepPath(hit: readonly RunRecord[], step: string): string[] | undefined {
  const failed = failedItself();
  return hitPlace([...hit].reverse(), step, (s, run) => passedOnRetry(s, run) || failed(s, run));
}

/** Whether the step did not pass at the first try in a run: it failed there, or needed a retry. */
export function hitBy(all: StepOutcomes): (run: RunRecord) => boolean {
  let hit: Set<RunRecord> | undefined;
  return (run) => (hit ??= new Set(all.runs.filter((_, i) => all.outcomes[i] !== PASSED))).has(run);
}

/** Whether two runs ran the same code: every version, revision, image, commit or release attribute is equal. */
export function sameCode(a: RunRecord, b: RunRecord): boolean {
  for (const key in a.attributes) {
    if (!CHANGE_KEY.test(key)) continue;
    const other = b.attributes[key];
    if (other === undefined || !sameValue(a.attributes[key]!, other)) return false;
  }
  for (const key in b.attributes) if (CHANGE_KEY.test(key) && a.attributes[key] === undefined) return false;
  return true;
}

/**
 * Wald–Wolfowitz runs test on a two-valued sequence: the z-score of the number of runs (stretches of equal values)
 * against what independent draws would give. Well below 0, the values come in blocks (an outage, a bad release);
 * near 0 they are interleaved as chance would have it. NaN when one value is missing.
 */
export function runsTestZ(values: readonly boolean[]): number {
  let ones = 0;
  let runs = values.length > 0 ? 1 : 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]) ones++;
    if (i > 0 && values[i] !== values[i - 1]) runs++;
  }
  const n = values.length;
  const zeros = n - ones;
  if (ones === 0 || zeros === 0) return NaN;
  const expected = (2 * ones * zeros) / n + 1;
  const variance = ((expected - 1) * (expected - 2)) / (n - 1);
  return variance > 0 ? (runs - expected) / Math.sqrt(variance) : 0;
}

/** The template the step's failures (those originating in it) have most often. */
export function commonTemplate(history: WorkflowHistory, runs: readonly RunRecord[], outcomes: readonly number[], step: string): { templateId: string; template: string } | undefined {
  const failures = runs.flatMap((run, i) => {
    const failure = outcomes[i] === FAILED ? history.failures.get(run) : undefined;
    return failure?.step?.name === step ? [failure] : [];
  });
  const templateId = mostCommon(failures.map((f) => f.templateId));
  const failure = failures.find((f) => f.templateId === templateId);
  return failure && { templateId: failure.templateId, template: failure.template };
}

const mask = createMasker();

/**
 * The category of a step's failed tries: its template's, else its newest message's, masked first, so a number in
 * it (a row, a port: "503") is no status code.
 */
export function triesCategory(pattern: string | undefined, newestMessage: string | undefined): Category | undefined {
  return categorise(pattern ?? (newestMessage === undefined ? undefined : render(mask(newestMessage))));
}
