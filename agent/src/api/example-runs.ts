import type { Finding } from '../model/finding.js';
import type { Store } from '../store/store.js';
import { exampleRunView } from './views.js';

/**
 * Findings as the API serves them: each with `exampleRuns`, its example runs still stored as people know them (the
 * runner's run id, the run's own workflow, status and start), so a client shows and links them without a request
 * per run. All the findings' runs are read in one store call. `evidence.exampleRunIds` stays for older clients.
 */
export function withExampleRuns(store: Store, findings: readonly Finding[]) {
  const runs = new Map(store.runsByIds(findings.flatMap((f) => f.evidence.exampleRunIds)).map((run) => [run.id, run]));
  return findings.map((finding) => ({
    ...finding,
    exampleRuns: finding.evidence.exampleRunIds.flatMap((id) => {
      const run = runs.get(id);
      return run ? [exampleRunView(run)] : [];
    }),
  }));
}

/** One finding as the API serves it (`withExampleRuns`). */
export const withExampleRunsOf = (store: Store, finding: Finding) => withExampleRuns(store, [finding])[0]!;
