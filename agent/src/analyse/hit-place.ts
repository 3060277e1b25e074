import { placeKey, placePath } from '../model/step-path.js';
import { failingParents, isFailed, type RunRecord, type StepRecord } from '../model/workflow.js';

/** Runs read to tell where a step was hit: the newest tell where it is hit now, and a run may hold 20,000 steps. */
const PLACE_SAMPLE = 20;
/** The share of those runs in which it must have been hit in one place alone for a finding to name that place. */
const PLACE_SHARE = 0.8;

/**
 * The enclosing steps (a matrix's job) of the steps called `step` that `hit` picks out, where in most of the newest
 * `runs` (newest first, read lazily) they were hit, and only there: in a matrix hit in every job, or in one job as
 * often as in another, no job is the place. None where the step ran at the top.
 */
export function hitPlace(runs: Iterable<RunRecord>, step: string, hit: (step: StepRecord, run: RunRecord) => boolean): string[] | undefined {
  const counts = new Map<string, number>();
  let read = 0;
  for (const run of runs) {
    if (read === PLACE_SAMPLE) break;
    read++;
    const place = soleHitPlace(run, step, hit);
    if (place !== undefined) counts.set(place, (counts.get(place) ?? 0) + 1);
  }
  for (const [place, n] of counts) if (n >= PLACE_SHARE * read) return placePath(place);
  return undefined;
}

/**
 * Whether a step's failure started in it: it failed, and no step inside it did (a suite failing with its test is not
 * where the test failed). Reads each run's failing parents once, for the calls about one run in a row.
 */
export function failedItself(): (step: StepRecord, run: RunRecord) => boolean {
  let last: RunRecord | undefined;
  let parents = new Set<string>();
  return (step, run) => {
    if (!isFailed(step.status)) return false;
    if (run !== last) {
      last = run;
      parents = failingParents(run);
    }
    return !parents.has(step.id);
  };
}

/** The one place (its enclosing steps' names) in which steps called `step` were hit in `run`; none for several. */
function soleHitPlace(run: RunRecord, step: string, hit: (step: StepRecord, run: RunRecord) => boolean): string | undefined {
  let place: string | undefined;
  for (const s of run.steps) {
    if (s.name !== step || !hit(s, run)) continue;
    const here = placeKey(run, s);
    if (place !== undefined && place !== here) return undefined;
    place = here;
  }
  return place;
}
