import type { RunRecord, StepRecord } from './workflow.js';

/**
 * Names of the steps enclosing `step` in its run, outermost first: the job of a matrix around its steps. A cycle of
 * parents (a runner's bad ids) ends the walk.
 */
export function enclosingNames(step: StepRecord, stepOf: (id: string) => StepRecord | undefined): string[] {
  const path: string[] = [];
  const visited = new Set<string>([step.id]);
  for (let parent = step.parentId; parent !== undefined && !visited.has(parent); ) {
    const enclosing = stepOf(parent);
    if (!enclosing) break;
    visited.add(parent);
    path.unshift(enclosing.name);
    parent = enclosing.parentId;
  }
  return path;
}

/**
 * The steps of a run by id, to walk up from its steps: made once per run, which the analysis reads for several steps
 * (runs can hold 20,000 steps), and let go with the run.
 */
const stepsById = new WeakMap<RunRecord, Map<string, StepRecord>>();

/** `enclosingNames` of a step of `run`. */
export function enclosingNamesIn(run: RunRecord, step: StepRecord): string[] {
  if (step.parentId === undefined) return [];
  let byId = stepsById.get(run);
  if (!byId) stepsById.set(run, (byId = new Map(run.steps.map((s) => [s.id, s]))));
  return enclosingNames(step, (id) => byId.get(id));
}

const SEPARATOR = '\u0000';

/** A step's place in its run (its enclosing steps' names) as a key to count by: '' at the top of the run. */
export function placeKey(run: RunRecord, step: StepRecord): string {
  return enclosingNamesIn(run, step).join(SEPARATOR);
}

/** The enclosing steps' names a `placeKey` stands for; undefined at the top. */
export function placePath(key: string): string[] | undefined {
  return key === '' ? undefined : key.split(SEPARATOR);
}
