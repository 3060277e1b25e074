/**
 * What an SLO counts of one workflow: its decided runs (succeeded or failed; cancelled, skipped and running ones
 * say nothing) that ended in each window (toMs − w, toMs], however long before it they started: a run is an event
 * at its end, as SLO tools count events. A run is good when it succeeded, within `maxDurationMs` if given.
 */
export interface RunOutcomeQuery {
  workflow: string;
  toMs: number;
  windowsMs: readonly number[];
  maxDurationMs?: number;
}

/** One window's counts; the times are run ends, absent when the window holds no such run. */
export interface RunOutcomes {
  runs: number;
  goodRuns: number;
  /** Bad runs that failed; the other bad runs succeeded too slowly. */
  failedRuns: number;
  firstBadMs?: number;
  lastBadMs?: number;
  lastMs?: number;
}
