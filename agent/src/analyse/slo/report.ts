import { isDecided, type RunRecord } from '../../model/workflow.js';
import { formatDurationSpec, parseDuration, type SloConfig } from '../config.js';

export const burnWindows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type BurnWindow = (typeof burnWindows)[number];
export type SloState = 'ok' | 'warning' | 'critical';

/** A type alias (not an interface) so it serialises as a plain record. */
export type SloReport = {
  workflow: string;
  name: string;
  /** Percent. */
  objective: number;
  window: string;
  maxDurationSeconds?: number;
  /** Good runs ÷ decided runs over the window (1 with no runs). */
  sli: number;
  /** 1 − (error ratio ÷ allowed error ratio): 1 untouched, 0 spent, negative overspent. */
  errorBudgetRemaining: number;
  burnRates: Record<BurnWindow, number>;
  state: SloState;
  /** Which multiwindow rule fired, e.g. '1h+5m > 3.36'. */
  firing?: string;
  goodRuns: number;
  totalRuns: number;
};

/** A report plus the bad runs behind it (oldest first), for the detector's evidence. */
export interface SloEvaluation {
  report: SloReport;
  badRuns: RunRecord[];
}

/**
 * The Google SRE workbook's multiwindow, multi-burn-rate rules. Their factors (14.4, 6, 3, 1) are for a 30-day
 * period: factor = budget share × period ÷ long window. For another period the windows stay (so the burn rates
 * reported are comparable across SLOs) and each factor is rescaled by period ÷ 30 d, so every rule still means
 * "this share of the period's budget was spent in the long window" (2 % in 1 h, 5 % in 6 h, 10 % in 1 d and 3 d).
 */
const rules: { long: BurnWindow; short: BurnWindow; factor30d: number; state: SloState }[] = [
  { long: '1h', short: '5m', factor30d: 14.4, state: 'critical' },
  { long: '6h', short: '30m', factor30d: 6, state: 'critical' },
  { long: '1d', short: '2h', factor30d: 3, state: 'warning' },
  { long: '3d', short: '6h', factor30d: 1, state: 'warning' },
];

const THIRTY_DAYS = 30 * 86_400_000;

export function isGoodRun(run: RunRecord, maxDurationMs: number | undefined): boolean {
  return run.status === 'success' && (maxDurationMs === undefined || run.durationMs <= maxDurationMs);
}

/** The report of one SLO over its workflow's runs, on event time ending at `nowMs` (runs count when they end). */
export function evaluateSlo(slo: SloConfig, allRuns: readonly RunRecord[], nowMs: number): SloEvaluation {
  const periodMs = parseDuration(slo.window ?? '30d');
  const window = formatDurationSpec(periodMs);
  const maxMs = slo.maxDuration === undefined ? undefined : parseDuration(slo.maxDuration);
  const allowed = Math.max(1 - slo.objective / 100, 1e-9);
  const decided = allRuns.filter((r) => isDecided(r.status) && r.endMs <= nowMs).sort((a, b) => a.endMs - b.endMs);
  const inWindow = (ms: number) => decided.filter((r) => r.endMs > nowMs - ms);
  const errorRatio = (runs: readonly RunRecord[]) => (runs.length ? runs.filter((r) => !isGoodRun(r, maxMs)).length / runs.length : 0);

  const periodRuns = inWindow(periodMs);
  const badRuns = periodRuns.filter((r) => !isGoodRun(r, maxMs));
  const burnRates = {} as Record<BurnWindow, number>;
  for (const w of burnWindows) {
    let runs = inWindow(parseDuration(w));
    // Workflows run every few minutes at best: a short window holding no run borrows the newest run, so the
    // short-window check still tells whether the problem is going on.
    if (runs.length === 0 && decided.length > 0) runs = decided.slice(-1);
    burnRates[w] = errorRatio(runs) / allowed;
  }
  let state: SloState = 'ok';
  let firing: string | undefined;
  for (const rule of rules) {
    const factor = (rule.factor30d * periodMs) / THIRTY_DAYS;
    if (burnRates[rule.long] > factor && burnRates[rule.short] > factor && (state === 'ok' || rule.state === 'critical')) {
      state = rule.state;
      firing = `${rule.long}+${rule.short} > ${factor.toFixed(2)}`;
      if (state === 'critical') break;
    }
  }
  const errorBudgetRemaining = 1 - errorRatio(periodRuns) / allowed;
  if (state === 'ok' && periodRuns.length > 0 && errorBudgetRemaining <= 0) {
    state = 'warning';
    firing = 'error budget spent';
  }
  const report: SloReport = {
    workflow: slo.workflow,
    name: slo.name ?? `${slo.workflow}-${slo.objective}${maxMs !== undefined ? `-${maxMs / 1000}s` : ''}`,
    objective: slo.objective,
    window,
    ...(maxMs !== undefined ? { maxDurationSeconds: maxMs / 1000 } : {}),
    sli: periodRuns.length ? 1 - errorRatio(periodRuns) : 1,
    errorBudgetRemaining,
    burnRates,
    state,
    ...(firing ? { firing } : {}),
    goodRuns: periodRuns.length - badRuns.length,
    totalRuns: periodRuns.length,
  };
  return { report, badRuns };
}
