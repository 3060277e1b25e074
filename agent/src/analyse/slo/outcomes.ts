import type { RunOutcomeQuery, RunOutcomes } from '../../model/run-outcomes.js';
import { isDecided, isFailed, type RunRecord } from '../../model/workflow.js';

/**
 * Counts per window, in the order of `windowsMs`. The agent's store counts in SQL over every stored run, so an
 * SLO is judged on its whole window, not on the runs a pass reads; `outcomesOf` counts runs held in memory.
 */
export type CountOutcomes = (query: RunOutcomeQuery) => RunOutcomes[];

export function isGoodRun(run: RunRecord, maxDurationMs: number | undefined): boolean {
  return run.status === 'success' && (maxDurationMs === undefined || run.durationMs <= maxDurationMs);
}

/** `CountOutcomes` over the runs given (an analysis of runs held in memory). */
export function outcomesOf(runs: readonly RunRecord[], query: RunOutcomeQuery): RunOutcomes[] {
  const counted = runs.filter((run) => run.workflow === query.workflow && isDecided(run.status) && run.endMs <= query.toMs);
  return query.windowsMs.map((windowMs) => {
    const out: RunOutcomes = { runs: 0, goodRuns: 0, failedRuns: 0 };
    for (const run of counted) {
      if (run.endMs <= query.toMs - windowMs) continue;
      out.runs++;
      out.lastMs = Math.max(out.lastMs ?? run.endMs, run.endMs);
      if (isGoodRun(run, query.maxDurationMs)) {
        out.goodRuns++;
        continue;
      }
      if (isFailed(run.status)) out.failedRuns++;
      out.firstBadMs = Math.min(out.firstBadMs ?? run.endMs, run.endMs);
      out.lastBadMs = Math.max(out.lastBadMs ?? run.endMs, run.endMs);
    }
    return out;
  });
}
