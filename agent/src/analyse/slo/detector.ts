import type { FindingCandidate } from '../../model/finding.js';
import type { WorkflowHistory } from '../context.js';
import { dominantFailureCategory } from '../failures/dominant.js';
import { distinctLines, exampleRunIds, fingerprint, formatTime, percent, round } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { traceInsights } from '../trace-insights.js';
import type { BurnWindow, SloEvaluation } from './report.js';

/** A breached SLO (page-level burn → critical, ticket-level burn or spent budget → medium) of the workflow at hand. */
export function sloCandidate({ report: r, badRuns }: SloEvaluation, history: WorkflowHistory): FindingCandidate | undefined {
  if (r.state === 'ok' || badRuns.length === 0) return undefined;
  const slow = badRuns.filter((run) => run.status === 'success');
  const failed = badRuns.filter((run) => run.status !== 'success');
  const category = slow.length >= failed.length ? 'performance' : (dominantFailureCategory(history, failed) ?? 'logic');
  const why = slow.length >= failed.length ? `${slow.length} runs slower than ${r.maxDurationSeconds} s` : `${failed.length} failed runs`;
  const onsetMs = badRuns[0]!.endMs;
  return {
    fingerprint: fingerprint('sla', [r.workflow], `slo:${r.name}`),
    kind: 'sla',
    workflow: r.workflow,
    severity: r.state === 'critical' ? 'critical' : 'medium',
    category,
    confidence: round(Math.min(1, 0.6 + badRuns.length / 50)),
    title: r.firing?.includes('+')
      ? `SLO ${r.name} of \`${r.workflow}\` is burning its error budget ${r.burnRates[r.firing.split('+')[0] as BurnWindow].toFixed(1)}× too fast over ${r.firing.split('+')[0]} (${percent(Math.max(0, r.errorBudgetRemaining))} left)`
      : `SLO ${r.name} of \`${r.workflow}\` has spent its error budget (${percent(r.sli)} good vs ${r.objective} %)`,
    summary:
      `${percent(r.sli)} of \`${r.workflow}\` runs were good over ${r.window} against an objective of ${r.objective} %; ` +
      `bad runs are mostly ${why}. Rule ${r.firing}; burn 1h ${r.burnRates['1h'].toFixed(1)}, 6h ${r.burnRates['6h'].toFixed(1)}, 1d ${r.burnRates['1d'].toFixed(1)}, 3d ${r.burnRates['3d'].toFixed(1)}. First bad run at ${formatTime(onsetMs)} UTC.`,
    rootCause: {
      attributes: {},
      description: `${why} spent ${percent(1 - r.errorBudgetRemaining)} of the ${r.window} error budget.`,
    },
    evidence: {
      baseline: { objective: r.objective, ...(r.maxDurationSeconds !== undefined ? { maxDurationSeconds: r.maxDurationSeconds } : {}) },
      current: { sli: round(r.sli * 100, 3), errorBudgetRemaining: round(r.errorBudgetRemaining, 3), burn1h: round(r.burnRates['1h']), burn6h: round(r.burnRates['6h']), burn1d: round(r.burnRates['1d']) },
      affectedRuns: badRuns.length,
      totalRuns: r.totalRuns,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(badRuns),
      errorLines: distinctLines([...failed].reverse().map((run) => history.failures.get(run)?.message ?? run.status)),
      details: { burnRates: r.burnRates, firing: r.firing, window: r.window },
    },
    recommendations: recommend({ kind: 'sla', category, workflow: r.workflow, attributes: {}, insights: traceInsights(history) }),
    firstSeenMs: onsetMs,
    lastSeenMs: badRuns[badRuns.length - 1]!.endMs,
  };
}
