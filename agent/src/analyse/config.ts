import type { Severity } from '../model/finding.js';

/** What the user configures (flowlens.yaml `analysis:`), already validated at the config edge. */
export interface SloConfig {
  workflow: string;
  name?: string;
  /** Percent, e.g. 99.5. */
  objective: number;
  /** Compliance period, e.g. '7d', '30d'. */
  window?: string;
  /** A run slower than this is a bad run, e.g. '300s'. */
  maxDuration?: string;
}

export type RuleMetric =
  | 'failure_rate'
  | 'success_rate'
  | 'p50_duration'
  | 'p95_duration'
  | 'mean_duration'
  | 'runs'
  | 'consecutive_failures'
  | 'queue_p95';
export type RuleCondition = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface RuleConfig {
  name?: string;
  /** Workflow name or '*' for every workflow. */
  workflow: string;
  metric: RuleMetric;
  condition: RuleCondition;
  /** Rates are fractions (0.2), durations seconds. */
  threshold: number;
  severity: Severity;
  /** Minimum time between two openings of the same rule finding, e.g. '1h'. */
  cooldown?: string;
  /** Event-time window the figures cover, e.g. '1d' (default). */
  window?: string;
}

export interface Thresholds {
  /** Runs a workflow needs before it is scored at all. */
  minRuns: number;
  /** Fewest runs that must show a problem before a finding is raised. */
  minAffectedRuns: number;
  /** Error-pattern share of runs below which a pattern is at most `low`. */
  minPatternShare: number;
  /** Step slowdown (current p50 ÷ baseline p50) that counts as a regression. */
  minSlowdownRatio: number;
  /** Robust z a slowdown must reach. */
  minRobustZ: number;
  /** Isolation-forest score from which a run counts as anomalous. */
  anomalyScore: number;
  /** Correlation: minimum support P(value | bad) and Jaccard index. */
  minSupport: number;
  minJaccard: number;
  /** Trend: Mann–Kendall p-value and the smallest relative change over the window worth reporting. */
  trendPValue: number;
  minTrendChange: number;
  /** Stalled: missed intervals before a workflow counts as stalled. */
  stalledIntervals: number;
  /** Hung: times its workflow's p95 duration a run may run before it counts as hung. */
  hungDurationFactor: number;
  /** Recent = this much event time before `nowMs` (ms). */
  recentMs: number;
  /** History kept per workflow (newest runs), bounding memory and time. */
  maxRunsPerWorkflow: number;
}

export interface AnalysisConfig {
  slos?: SloConfig[];
  rules?: RuleConfig[];
  thresholds?: Partial<Thresholds>;
  /** Seeds the isolation forests; the same seed gives the same scores. */
  seed?: number;
  /** The IANA time zone whose clocks schedules and seasons follow (a cron at 09:00 Berlin time); UTC by default. */
  timeZone?: string;
}

/** Runs of a workflow after a finding was last seen without it, before the finding resolves itself. */
export const CLEAR_AFTER_RUNS = 5;

export const defaultThresholds: Thresholds = {
  minRuns: 10,
  minAffectedRuns: 3,
  minPatternShare: 0.05,
  minSlowdownRatio: 1.5,
  minRobustZ: 4,
  anomalyScore: 0.62,
  minSupport: 0.7,
  minJaccard: 0.4,
  trendPValue: 0.001,
  minTrendChange: 0.25,
  stalledIntervals: 3,
  hungDurationFactor: 3,
  recentMs: 24 * 3600_000,
  maxRunsPerWorkflow: 5000,
};

/** The thresholds a pass uses: the configured ones over the defaults. */
export function thresholdsOf(config: AnalysisConfig): Thresholds {
  return { ...defaultThresholds, ...config.thresholds };
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000 };

/** '300s', '1.5h', '7d' → milliseconds. Throws on anything else, so bad config fails at load. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (expected e.g. 300s, 5m, 1h, 7d)`);
  return Number(m[1]) * units[m[2]!]!;
}

/** Milliseconds → the shortest exact form: 604800000 → '7d', 5400000 → '90m'. */
export function formatDurationSpec(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    if (ms % units[unit]! === 0) return `${ms / units[unit]!}${unit}`;
  }
  return `${ms}ms`;
}
