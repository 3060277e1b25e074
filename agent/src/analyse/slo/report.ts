import { formatDurationSpec, parseDuration, type SloConfig } from '../config.js';
import type { RunOutcomes } from '../../model/run-outcomes.js';
import type { CountOutcomes } from './outcomes.js';

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
  /** Error ratio ÷ allowed error ratio in each window; 0 in a window without runs. */
  burnRates: Record<BurnWindow, number>;
  /**
   * The burn rates the alert rules are judged by, which flowlens_slo_burn_rate exports so Prometheus' static rules
   * agree with the agent: `burnRates`, except that the short window of a rule, when it has no runs, takes the burn
   * of the newest run if that lies within the rule's long window (else 0).
   */
  judgedBurnRates: Record<BurnWindow, number>;
  state: SloState;
  /** Which multiwindow rule fired, e.g. '1h+5m > 3.36'. */
  firing?: string;
  goodRuns: number;
  totalRuns: number;
};

/** A report plus, unless it is ok, the burn that makes it alert. */
export interface SloEvaluation {
  report: SloReport;
  burn?: SloBurn;
}

/** The runs behind an alert: those of the window it is judged over. */
export interface SloBurn {
  /** E.g. '1h', '7d'. */
  window: string;
  outcomes: RunOutcomes;
  /** End of the window's first bad run: when the burn began. */
  sinceMs: number;
  lastBadMs: number;
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

const periodOf = (slo: SloConfig) => parseDuration(slo.window ?? '30d');

/** What names an SLO: as configured, or as the config loader yields it (durations in milliseconds). */
export interface SloNaming {
  workflow: string;
  name?: string;
  objective: number;
  window?: number | string;
  maxDuration?: number | string;
}

const msOf = (duration: number | string) => (typeof duration === 'number' ? duration : parseDuration(duration));

/**
 * Each SLO's name: its own, else `workflow-objective[-maxDuration]`, followed by `-window` when another SLO of the
 * workflow would bear the same name, so each keeps its own finding, metric labels and Prometheus rules; a name that
 * clashes with none stays as it always was.
 */
export function sloNames(slos: readonly SloNaming[]): string[] {
  const names = slos.map((slo) => slo.name ?? `${slo.workflow}-${slo.objective}${slo.maxDuration !== undefined ? `-${msOf(slo.maxDuration) / 1000}s` : ''}`);
  const key = (i: number) => `${slos[i]!.workflow}\n${names[i]}`;
  const uses = new Map<string, number>();
  names.forEach((_, i) => uses.set(key(i), (uses.get(key(i)) ?? 0) + 1));
  return names.map((name, i) => (slos[i]!.name === undefined && uses.get(key(i))! > 1 ? `${name}-${formatDurationSpec(msOf(slos[i]!.window ?? '30d'))}` : name));
}

/**
 * The report of one SLO, named `name`, on event time ending at `nowMs`, from the counts of its workflow's runs over
 * its period and the burn windows (runs count when they end). A window with no run has no error ratio: its burn
 * rate is 0.
 */
export function evaluateSlo(slo: SloConfig, name: string, count: CountOutcomes, nowMs: number): SloEvaluation {
  const periodMs = periodOf(slo);
  const window = formatDurationSpec(periodMs);
  const maxMs = slo.maxDuration === undefined ? undefined : parseDuration(slo.maxDuration);
  const allowed = Math.max(1 - slo.objective / 100, 1e-9);
  const windowsMs = [...burnWindows.map(parseDuration), periodMs];
  const counts = count({ workflow: slo.workflow, toMs: nowMs, windowsMs, ...(maxMs !== undefined ? { maxDurationMs: maxMs } : {}) });
  const outcomesOver = (ms: number) => counts[windowsMs.indexOf(ms)]!;
  const period = outcomesOver(periodMs);
  const errorRatio = (o: RunOutcomes) => (o.runs ? (o.runs - o.goodRuns) / o.runs : 0);
  const burnRates = {} as Record<BurnWindow, number>;
  for (const w of burnWindows) burnRates[w] = errorRatio(outcomesOver(parseDuration(w))) / allowed;

  // A short window tells whether the burn is still going on. A workflow running every 15 minutes leaves the 5m
  // window empty most of the time, so an empty short window is judged by the newest run instead, but only while
  // that run lies within the rule's long window and the period: a run the rule or the SLO no longer counts
  // cannot keep it alerting.
  const shortBurn = (rule: (typeof rules)[number]) => {
    if (outcomesOver(parseDuration(rule.short)).runs > 0) return burnRates[rule.short];
    const recent = outcomesOver(Math.min(parseDuration(rule.long), periodMs));
    return recent.lastMs !== undefined && recent.lastBadMs === recent.lastMs ? 1 / allowed : 0;
  };
  // Each short window is that of one rule only, so one figure per window serves every rule.
  const judgedBurnRates = { ...burnRates };
  for (const rule of rules) judgedBurnRates[rule.short] = shortBurn(rule);
  let state: SloState = 'ok';
  let firing: string | undefined;
  // The window the alert is judged over: the firing rule's long window, or the period once the budget is spent.
  let judged: { window: string; ms: number } | undefined;
  for (const rule of rules) {
    const factor = (rule.factor30d * periodMs) / THIRTY_DAYS;
    if (burnRates[rule.long] > factor && judgedBurnRates[rule.short] > factor && (state === 'ok' || rule.state === 'critical')) {
      state = rule.state;
      firing = `${rule.long}+${rule.short} > ${factor.toFixed(2)}`;
      judged = { window: rule.long, ms: parseDuration(rule.long) };
      if (state === 'critical') break;
    }
  }
  const errorBudgetRemaining = 1 - errorRatio(period) / allowed;
  if (state === 'ok' && period.runs > 0 && errorBudgetRemaining <= 0) {
    state = 'warning';
    firing = 'error budget spent';
    judged = { window, ms: periodMs };
  }
  const report: SloReport = {
    workflow: slo.workflow,
    name,
    objective: slo.objective,
    window,
    ...(maxMs !== undefined ? { maxDurationSeconds: maxMs / 1000 } : {}),
    sli: period.runs ? 1 - errorRatio(period) : 1,
    errorBudgetRemaining,
    burnRates,
    judgedBurnRates,
    state,
    ...(firing ? { firing } : {}),
    goodRuns: period.goodRuns,
    totalRuns: period.runs,
  };
  if (judged === undefined) return { report };
  // A rule fires, or the budget is spent, only with a bad run in its window.
  const outcomes = outcomesOver(judged.ms);
  return { report, burn: { window: judged.window, outcomes, sinceMs: outcomes.firstBadMs!, lastBadMs: outcomes.lastBadMs! } };
}
