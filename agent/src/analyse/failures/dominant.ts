import type { Category } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import type { WorkflowHistory } from '../context.js';
import { categorise } from './categorise.js';

/** The category most of these runs' failures fall in, for findings about failure rates rather than one pattern. */
export function dominantFailureCategory(history: WorkflowHistory, runs: readonly RunRecord[]): Category | undefined {
  const counts = new Map<Category, number>();
  for (const run of runs) {
    const f = history.failures.get(run);
    const c = f && categorise(f.template, f.step?.errorType ?? run.errorType);
    if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
