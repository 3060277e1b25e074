import type { FindingCandidate } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { fingerprint, formatDuration, round, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { missedRuns } from './missed-runs.js';
import { usualDurationMs } from './usual-duration.js';

/**
 * A scheduled workflow (one with a learnt cadence, `intervalMs`) that has missed `stalledIntervals` runs as of
 * `nowMs`, counting only runs its schedule makes at that time of the week (`missedRuns`). A run seen running
 * counts as started (a hung one is `hungCandidates`' case).
 */
export function stalledCandidates(
  history: WorkflowHistory,
  running: readonly RunRecord[],
  intervalMs: number,
  ctx: AnalysisContext,
): FindingCandidate[] {
  let last = history.runs[history.runs.length - 1]!;
  for (const run of running) if (run.startMs > last.startMs) last = run;
  const silentMs = ctx.nowMs - last.startMs;
  // Most runs are seen only once they end (the run span comes last), so a run in progress is not a missed one:
  // allow a typical run's duration.
  const runningMs = usualDurationMs(history, 0.9);
  const starts = [...history.runs, ...running].map((run) => run.startMs).sort((a, b) => a - b);
  const { count: missed, dueMs: expectedMs, period } = missedRuns(starts, last.startMs, intervalMs, ctx.nowMs - runningMs, ctx.clock);
  if (missed < ctx.thresholds.stalledIntervals) return [];
  const asBefore = period ? `, going by its runs the ${period} before` : '';
  return [
    {
      fingerprint: fingerprint('stalled', [history.workflow], 'cadence'),
      kind: 'stalled',
      workflow: history.workflow,
      severity: missed >= 2 * ctx.thresholds.stalledIntervals ? 'high' : 'medium',
      category: 'configuration',
      confidence: round(Math.min(1, 0.6 + missed / 20)),
      title: `\`${history.workflow}\` has not run for ${formatDuration(silentMs)} (expected every ${formatDuration(intervalMs)}, ${missed} runs missed)`,
      summary: `\`${history.workflow}\` runs every ${formatDuration(intervalMs)} but last started at ${utcTime(last.startMs)}; the next run was due at ${utcTime(expectedMs)}${asBefore}.`,
      rootCause: { attributes: {}, description: `No run has started since ${utcTime(last.startMs)} although the workflow runs on a regular schedule.` },
      evidence: {
        baseline: { expectedIntervalSeconds: round(intervalMs / 1000, 0) },
        current: { secondsSinceLastRun: round(silentMs / 1000, 0), missedRuns: missed, lastRun: isoTime(last.startMs) },
        // Of the runs due since it stopped, every one missed.
        affectedRuns: missed,
        totalRuns: missed,
        onset: isoTime(expectedMs),
        exampleRunIds: [last.id],
        errorLines: [],
        details: { lastRunStatus: last.status, lastRunId: last.runId },
      },
      recommendations: recommend({ kind: 'stalled', category: 'configuration', workflow: history.workflow, attributes: {} }),
      firstSeenMs: expectedMs,
      lastSeenMs: ctx.nowMs,
    },
  ];
}
