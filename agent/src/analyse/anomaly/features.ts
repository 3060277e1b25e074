import { isFailed, workMs, type RunRecord } from '../../model/workflow.js';

/** The step names a workflow's feature vectors carry: the most frequent ones, capped so vectors stay small. */
export function commonStepNames(runs: readonly RunRecord[], max = 12): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const step of run.steps) counts.set(step.name, (counts.get(step.name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([name]) => name);
}

/**
 * One run as numbers: log durations (a 6× slowdown and a 6× speed-up weigh alike), queue time, failure,
 * retries, and each common step's work (0 when the step did not run, itself a signal).
 */
export function featureVector(run: RunRecord, stepNames: readonly string[]): number[] {
  const perStep = new Map<string, number>();
  let retries = 0;
  for (const step of run.steps) {
    perStep.set(step.name, (perStep.get(step.name) ?? 0) + workMs(step));
    retries += Math.max(0, (step.attempt ?? 1) - 1);
  }
  return [
    Math.log1p(run.durationMs / 1000),
    Math.log1p((run.queueMs ?? 0) / 1000),
    isFailed(run.status) ? 1 : 0,
    Math.log1p(retries + Math.max(0, (run.attempt ?? 1) - 1)),
    ...stepNames.map((name) => Math.log1p((perStep.get(name) ?? 0) / 1000)),
  ];
}

/** Slowdowns (level shifts, creeps) are looked for in this many step names at most, bounding their cost. */
const MAX_SLOWDOWN_STEPS = 64;

/**
 * The step names to look for slowdowns in: those in at least `minRuns` runs, the ones that take the most time first
 * (a slower step matters by the time it adds, not by how often it runs or its name). One pass over the steps: the
 * cost grows with the runs, not with the names.
 */
export function busiestStepNames(runs: readonly RunRecord[], minRuns: number, max = MAX_SLOWDOWN_STEPS): string[] {
  const totals = new Map<string, { ms: number; runs: number; lastRun: RunRecord | undefined }>();
  for (const run of runs) {
    for (const step of run.steps) {
      let t = totals.get(step.name);
      if (!t) totals.set(step.name, (t = { ms: 0, runs: 0, lastRun: undefined }));
      t.ms += workMs(step);
      if (t.lastRun !== run) {
        t.lastRun = run;
        t.runs++;
      }
    }
  }
  return [...totals]
    .filter(([, t]) => t.runs >= minRuns)
    .sort((a, b) => b[1].ms - a[1].ms || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([name]) => name);
}

/** Each named step's work in the runs it ran and succeeded in (as `stepDuration`), in run order, in one pass. */
export function stepSeries(runs: readonly RunRecord[], names: readonly string[]): Map<string, { run: RunRecord; ms: number }[]> {
  const series = new Map(names.map((name) => [name, [] as { run: RunRecord; ms: number }[]]));
  const perRun = new Map<string, number | undefined>();
  for (const run of runs) {
    for (const [name, ms] of workOf(run, series, perRun)) if (ms !== undefined) series.get(name)!.push({ run, ms });
  }
  return series;
}

/**
 * Total work of the steps called `name` in a run, or undefined when it did not run or did not succeed: a step that
 * waits longer for a worker is not slower (the queue detector's business).
 */
export function stepDuration(run: RunRecord, name: string): number | undefined {
  // Called per run and step in the detectors' loops: no map, as `workOf` needs for several names.
  let total: number | undefined;
  for (const step of run.steps) {
    if (step.name !== name) continue;
    if (step.status !== 'success') return undefined;
    total = (total ?? 0) + workMs(step);
  }
  return total;
}

/**
 * The total work of each step of `run` whose name is in `names`, undefined for one that did not succeed every time
 * it ran, into `into` (cleared first, so one map serves a pass over many runs).
 */
function workOf(run: RunRecord, names: ReadonlyMap<string, unknown>, into: Map<string, number | undefined>): Map<string, number | undefined> {
  into.clear();
  for (const step of run.steps) {
    if (!names.has(step.name)) continue;
    const sofar = into.get(step.name);
    const failed = into.has(step.name) && sofar === undefined;
    into.set(step.name, failed || step.status !== 'success' ? undefined : (sofar ?? 0) + workMs(step));
  }
  return into;
}
