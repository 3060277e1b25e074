import type { FindingCandidate } from '../../model/finding.js';
import { isDecided, isFailed } from '../../model/workflow.js';
import type { WorkflowHistory } from '../context.js';
import { dominantFailureCategory } from '../failures/dominant.js';
import { distinctLines, exampleRunIds, fingerprint, percent, round, timesSpent, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { traceInsights } from '../trace-insights.js';
import { isGoodRun } from './outcomes.js';
import type { BurnWindow, SloEvaluation, SloReport } from './report.js';

/**
 * A breached SLO (page-level burn → critical, ticket-level burn or spent budget → medium) of the workflow at hand,
 * dated from the first bad run of the window it is judged over, so an old failure does not date a new burn. Its
 * figures are the SLO's counts; the example runs and error lines are the bad runs of that window the pass holds.
 */
export function sloCandidate({ report: r, burn }: SloEvaluation, history: WorkflowHistory): FindingCandidate | undefined {
  if (!burn) return undefined;
  const maxMs = r.maxDurationSeconds === undefined ? undefined : r.maxDurationSeconds * 1000;
  const badRuns = history.runs.filter((run) => isDecided(run.status) && run.endMs >= burn.sinceMs && run.endMs <= burn.lastBadMs && !isGoodRun(run, maxMs));
  const failed = badRuns.filter((run) => isFailed(run.status));
  const { outcomes } = burn;
  const slow = outcomes.runs - outcomes.goodRuns - outcomes.failedRuns;
  const category = slow >= outcomes.failedRuns ? 'performance' : (dominantFailureCategory(history, failed) ?? 'logic');
  const why = [outcomes.failedRuns ? `${outcomes.failedRuns} failed runs` : '', slow ? `${slow} runs slower than ${r.maxDurationSeconds} s` : ''].filter(Boolean).join(' and ');
  const firing = r.firing!;
  const sli = sliPercent(r);
  return {
    fingerprint: fingerprint('sla', [r.workflow], `slo:${r.name}`),
    kind: 'sla',
    workflow: r.workflow,
    severity: r.state === 'critical' ? 'critical' : 'medium',
    category,
    confidence: round(Math.min(1, 0.6 + (outcomes.runs - outcomes.goodRuns) / 50)),
    title: firing.includes('+')
      ? `SLO ${r.name} of \`${r.workflow}\` is burning its error budget ${r.burnRates[burn.window as BurnWindow].toFixed(1)}× too fast over ${burn.window} (${budgetLeft(r.errorBudgetRemaining)})`
      : `SLO ${r.name} of \`${r.workflow}\` has spent its error budget (${sli} good vs ${r.objective} %)`,
    summary:
      `${sli} of \`${r.workflow}\` runs were good over ${r.window} against an objective of ${r.objective} %. ` +
      `Rule ${firing}; burn 1h ${r.burnRates['1h'].toFixed(1)}, 6h ${r.burnRates['6h'].toFixed(1)}, 1d ${r.burnRates['1d'].toFixed(1)}, 3d ${r.burnRates['3d'].toFixed(1)}. ` +
      `Over the last ${burn.window}: ${why}, the first at ${utcTime(burn.sinceMs)}.`,
    rootCause: {
      attributes: {},
      description: `${why} in the last ${burn.window}; ${budgetSpent(r)}.`,
    },
    evidence: {
      baseline: { objective: r.objective, ...(r.maxDurationSeconds !== undefined ? { maxDurationSeconds: r.maxDurationSeconds } : {}) },
      current: { sli: round(r.sli * 100, 3), errorBudgetRemaining: round(r.errorBudgetRemaining, 3), burn1h: round(r.burnRates['1h']), burn6h: round(r.burnRates['6h']), burn1d: round(r.burnRates['1d']) },
      affectedRuns: r.totalRuns - r.goodRuns,
      totalRuns: r.totalRuns,
      onset: isoTime(burn.sinceMs),
      exampleRunIds: exampleRunIds(badRuns),
      errorLines: distinctLines([...failed].reverse().map((run) => history.failures.get(run)?.message ?? run.status)),
      details: { burnRates: r.burnRates, firing, window: r.window },
    },
    recommendations: recommend({ kind: 'sla', category, workflow: r.workflow, attributes: {}, insights: traceInsights(history, burn.sinceMs) }),
    firstSeenMs: burn.sinceMs,
    lastSeenMs: burn.lastBadMs,
  };
}

/** What is left of the budget, '62 % left', or once it is gone how many times over it was spent: '40.6× spent' reads, '0.0 % left' hides. */
function budgetLeft(remaining: number): string {
  return remaining > 0 ? `${percent(remaining)} left` : `budget exhausted, ${timesSpent(remaining)} spent`;
}

function budgetSpent({ errorBudgetRemaining: remaining, window }: SloReport): string {
  return remaining > 0 ? `${percent(1 - remaining)} of the ${window} error budget is spent` : `the ${window} error budget is exhausted (${timesSpent(remaining)} spent)`;
}

/**
 * The SLI in percent with one decimal more than the objective has, cut rather than rounded: a share below the
 * objective never reads as equal to it (99.4 % vs 99.5 %), nor one below 100 % as 100 %.
 */
function sliPercent({ sli, objective }: SloReport): string {
  const scale = 10 ** ((String(objective).split('.')[1]?.length ?? 0) + 1);
  // The nudge undoes binary rounding (0.994 × 100 is 99.3999…) before cutting.
  return `${Math.floor(sli * 100 * scale + 1e-6) / scale} %`;
}
