import type { FindingCandidate, Severity } from '../model/finding.js';
import { isDecided, isFailed, type RunRecord } from '../model/workflow.js';
import type { WorkflowHistory } from './context.js';
import type { Thresholds } from './config.js';
import { formatDuration, percent } from './format.js';
import type { SloReport } from './slo/report.js';
import { median } from './stats.js';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthFactor {
  name: 'success_rate' | 'duration' | 'problems' | 'slo_budget' | 'freshness';
  /** 0–100. */
  score: number;
  weight: number;
  detail: string;
}

export interface HealthReport {
  score: number;
  status: HealthStatus;
  factors: HealthFactor[];
  /** What holds the score below 50 whatever the factors say: a critical finding, or a stalled schedule. */
  cappedBy?: 'critical_finding' | 'stalled_schedule';
}

/**
 * What health needs of a workflow's runs, taken while the pass holds them: the factors they give, and when the
 * newest run started. Undefined with fewer than `minRuns` decided runs.
 */
export interface HealthBasis {
  factors: HealthFactor[];
  lastStartMs: number;
}

export interface HealthInput {
  workflow: string;
  basis: HealthBasis | undefined;
  nowMs: number;
  /** Candidates naming this workflow (alone or among others). */
  candidates: readonly FindingCandidate[];
  slos: readonly SloReport[];
  anomalyScore?: number;
  cadenceMs?: number;
}

const severityScore: Record<Severity, number> = { critical: 0, high: 30, medium: 60, low: 85, info: 100 };
const clamp = (v: number) => Math.max(0, Math.min(100, v));

/**
 * The success rate of the recent runs, and their duration against the baseline before them. The last start, which
 * freshness is judged on, counts the `running` runs too: a run that started on schedule and still runs (or hangs,
 * which its own finding says) is no missed run.
 */
export function healthBasis(history: WorkflowHistory, running: readonly RunRecord[], nowMs: number, thresholds: Thresholds): HealthBasis | undefined {
  const decided = history.runs.filter((r) => isDecided(r.status));
  if (decided.length < thresholds.minRuns) return undefined;
  const recentFrom = nowMs - thresholds.recentMs;
  let recent = decided.filter((r) => r.startMs >= recentFrom);
  if (recent.length < 20) recent = decided.slice(-20);
  const older = decided.filter((r) => r.startMs < recent[0]!.startMs && r.status === 'success');
  const factors: HealthFactor[] = [];

  const successRate = 1 - recent.filter((r) => isFailed(r.status)).length / recent.length;
  factors.push({ name: 'success_rate', weight: 0.35, score: clamp(((successRate - 0.5) / 0.49) * 100), detail: `${percent(successRate)} of the last ${recent.length} runs succeeded` });

  const okRecent = recent.filter((r) => r.status === 'success').map((r) => r.durationMs);
  if (older.length >= 10 && okRecent.length > 0) {
    const base = median(older.slice(-1000).map((r) => r.durationMs));
    const ratio = median(okRecent) / base;
    factors.push({ name: 'duration', weight: 0.2, score: clamp(100 - ((ratio - 1.1) / 1.9) * 100), detail: `p50 ${formatDuration(median(okRecent))} vs baseline ${formatDuration(base)} (${ratio.toFixed(2)}×)` });
  }
  const lastStartMs = running.reduce((last, run) => Math.max(last, run.startMs), history.runs[history.runs.length - 1]!.startMs);
  return { factors, lastStartMs };
}

/**
 * A 0–100 score from weighted factors (success rate, duration against baseline, open problems and anomaly,
 * SLO budget, freshness); factors that do not apply (no SLO, no schedule) drop out and the rest are reweighted. A
 * critical finding of its own or a stalled schedule caps it below 50 (`unhealthy`). Fewer than `minRuns` runs (no basis) →
 * `unknown`.
 */
export function healthOf(input: HealthInput): HealthReport {
  const { basis, nowMs } = input;
  if (!basis) return { score: 0, status: 'unknown', factors: [] };
  const factors = basis.factors.map((f) => ({ ...f }));

  const worst = input.candidates.reduce<Severity>((w, c) => (severityScore[c.severity] < severityScore[w] ? c.severity : w), 'info');
  const anomaly = input.anomalyScore ?? 0.5;
  const anomalyScore = clamp(100 - ((anomaly - 0.6) / 0.2) * 60);
  factors.push({
    name: 'problems',
    weight: 0.25,
    score: Math.min(severityScore[worst], anomalyScore),
    detail: `${input.candidates.length} open problem(s), worst ${input.candidates.length ? worst : 'none'}; latest run anomaly score ${anomaly.toFixed(2)}`,
  });

  if (input.slos.length > 0) {
    const budget = Math.min(...input.slos.map((s) => s.errorBudgetRemaining));
    factors.push({ name: 'slo_budget', weight: 0.1, score: clamp(budget * 100), detail: `${percent(Math.max(0, budget))} of the tightest SLO's error budget left` });
  }

  if (input.cadenceMs !== undefined) {
    const intervals = (nowMs - basis.lastStartMs) / input.cadenceMs;
    factors.push({ name: 'freshness', weight: 0.1, score: clamp(100 - ((intervals - 1.5) / 1.5) * 100), detail: `last run ${formatDuration(nowMs - basis.lastStartMs)} ago, expected every ${formatDuration(input.cadenceMs)}` });
  }

  const weight = factors.reduce((s, f) => s + f.weight, 0);
  const weighted = Math.round(factors.reduce((s, f) => s + f.score * f.weight, 0) / weight);
  for (const f of factors) f.score = Math.round(f.score);
  // What a workflow delivers is out while it has a critical problem or its schedule stopped (the week-aware stall,
  // not freshness, which a schedule's nights and weekends lower): its runs' own good figures cannot average that away.
  // A shared critical finding caps the workflow it names first: it takes the severity of the worst hit, and the
  // others' own figures show how each is hit.
  const critical = input.candidates.some((c) => c.severity === 'critical' && c.workflow === input.workflow);
  const cause = critical ? 'critical_finding' : input.candidates.some(isStalledSchedule) ? 'stalled_schedule' : undefined;
  const cappedBy = cause && weighted >= UNHEALTHY_BELOW ? cause : undefined;
  const score = cappedBy ? UNHEALTHY_BELOW - 1 : weighted;
  return { score, status: score >= 80 ? 'healthy' : score >= UNHEALTHY_BELOW ? 'degraded' : 'unhealthy', factors, ...(cappedBy && { cappedBy }) };
}

const UNHEALTHY_BELOW = 50;
/** A stall of the schedule, or a schedule its hung run holds (missed runs counted); not a hung run alone. */
const isStalledSchedule = (c: FindingCandidate) => c.kind === 'stalled' && (c.category !== 'timeout' || c.evidence.current.missedRuns !== undefined);
