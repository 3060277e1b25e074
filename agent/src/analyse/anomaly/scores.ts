import type { RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { hashString } from '../prng.js';
import { commonStepNames, featureVector } from './features.js';
import { IsolationForest } from './isolation-forest.js';

/** Isolation-forest scores of a workflow's recent runs, trained on its own history. */
export interface WorkflowScores {
  stepNames: string[];
  /** Scores of the runs scored (the recent window, at least the newest 20), by run. */
  byRun: Map<RunRecord, number>;
  latest: number;
}

const MIN_TRAINING_RUNS = 30;
const MAX_SCORED = 500;
const cache = new WeakMap<WorkflowHistory, WorkflowScores | undefined>();

/** Undefined for workflows with too little history to know what normal is. */
export function workflowScores(history: WorkflowHistory, ctx: AnalysisContext): WorkflowScores | undefined {
  if (cache.has(history)) return cache.get(history);
  let result: WorkflowScores | undefined;
  const runs = history.runs;
  if (runs.length >= MIN_TRAINING_RUNS) {
    const stepNames = commonStepNames(runs.slice(-1000));
    const forest = new IsolationForest({ seed: (ctx.config.seed ?? 1) ^ hashString(history.workflow) });
    const recentFrom = ctx.nowMs - ctx.thresholds.recentMs;
    // Normal is learnt from the runs before the recent window (when there are enough), so a problem that fills
    // the recent window stands out instead of becoming part of normal. The forest subsamples ψ rows per tree,
    // so features are only built for a bounded slice of history.
    // Failed runs stop early and would stretch every step's range down to zero, hiding slow steps: train on
    // successful runs only.
    const older = runs.filter((r) => r.startMs < recentFrom && r.status === 'success');
    const training = older.length >= MIN_TRAINING_RUNS ? older : runs;
    forest.fit(training.slice(-4096).map((r) => featureVector(r, stepNames)));
    let first = runs.length - 1;
    while (first > 0 && (runs[first - 1]!.startMs >= recentFrom || runs.length - first < 20)) first--;
    first = Math.max(first, runs.length - MAX_SCORED);
    const byRun = new Map<RunRecord, number>();
    for (let i = first; i < runs.length; i++) byRun.set(runs[i]!, forest.score(featureVector(runs[i]!, stepNames)));
    result = { stepNames, byRun, latest: byRun.get(runs[runs.length - 1]!)! };
  }
  cache.set(history, result);
  return result;
}
