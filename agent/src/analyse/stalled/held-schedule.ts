import { mostSevere, type FindingCandidate } from '../../model/finding.js';

/**
 * A schedule that stopped starting runs while its newest run hangs is held by that run: one run at a time, as
 * Airflow's `max_active_runs=1` or Jenkins' `disableConcurrentBuilds()` have it. That is one incident, told as the
 * hung run with the runs its schedule missed since, not also as a stall that sends people to the scheduler. A stall
 * whose newest run ended, or is not hung, is a stall of its own.
 */
export function heldSchedule(hung: readonly FindingCandidate[], stalled: readonly FindingCandidate[]): FindingCandidate[] {
  const [run] = hung;
  const [stall] = stalled;
  // The stall's example is the newest run started; the hung finding's are its hung runs, newest first.
  if (run === undefined || stall === undefined || run.evidence.exampleRunIds[0] !== stall.evidence.exampleRunIds[0]) return [...stalled, ...hung];
  const missed = stall.evidence.current.missedRuns as number;
  return [
    {
      ...run,
      severity: mostSevere([run.severity, stall.severity]),
      summary: `${run.summary} No run has started since: ${missed} runs of its schedule were missed.`,
      evidence: { ...run.evidence, current: { ...run.evidence.current, missedRuns: missed } },
      // A stall reported before the run was found hung is this incident too.
      supersedes: [stall.fingerprint],
    },
  ];
}
