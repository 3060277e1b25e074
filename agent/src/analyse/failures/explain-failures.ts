import type { AnalysisContext, Failure, WorkflowHistory } from '../context.js';
import { explainSinceOnset, Tally, type Explanation } from '../correlation/explain.js';

/** What sets these failures' runs apart from the workflow's other runs since the first of them, best first. */
export function explainFailures(history: WorkflowHistory, failures: readonly Failure[], ctx: AnalysisContext): Explanation[] {
  const t = ctx.thresholds;
  const onsetMs = failures.reduce((m, f) => Math.min(m, f.run.startMs), Infinity);
  const bad = new Set(failures.map((f) => f.run));
  const sinceOnset = history.runs.filter((r) => r.startMs >= onsetMs);
  return explainSinceOnset(sinceOnset, new Tally(history.runs, (r) => bad.has(r)), {
    minSupport: t.minSupport,
    minJaccard: t.minJaccard,
    minAffected: t.minAffectedRuns,
    onsetMs,
  });
}
