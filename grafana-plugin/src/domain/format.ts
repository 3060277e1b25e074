import { dateTimeFormatWithAbbrevation, getTimeZone, getZone, type TimeZone } from '@grafana/data';

import type {
  AttributeTransition,
  AttributeValue,
  Health,
  HealthStatus,
  Impact,
  RecommendationItem,
  RunStep,
  SenderClock,
  Severity,
  StepSummary,
  WorkflowList,
  WorkflowSummary,
} from '../api/types.js';

/** Pure conversions from API responses to what the pages show. */

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const IMPACTS: Impact[] = ['high', 'medium', 'low'];

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) {
    return '–';
  }
  if (seconds < 0) {
    return `-${formatDuration(-seconds)}`;
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  if (seconds < 59.5) {
    return `${seconds.toFixed(seconds < 9.95 ? 1 : 0)} s`;
  }
  // Rounded first: 3,599.6 s is 1h 00m, not 59m 60s.
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  if (m < 60) {
    return `${m}m ${String(whole % 60).padStart(2, '0')}s`;
  }
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * How long a run took; a running run's time is that of its latest span so far, which says nothing of how long it has
 * been running (a hung run's is minutes old): it says when the run was last heard from instead.
 */
export function formatRunDuration(run: { status: string; endTime: string; durationSeconds: number }): string {
  return run.status === 'running' ? `running, last heard from ${formatTime(run.endTime)}` : formatDuration(run.durationSeconds);
}

/** "+33m 07s, 3.7×": a duration's change, signed, with the new duration's ratio to the old when there is one. */
export function formatDurationChange(deltaSeconds: number, ratio?: number | null): string {
  const sign = deltaSeconds > 0 ? '+' : deltaSeconds < 0 ? '-' : '';
  const delta = `${sign}${formatDuration(Math.abs(deltaSeconds))}`;
  return ratio === undefined || ratio === null ? delta : `${delta}, ${ratio.toFixed(1)}×`;
}

/** How far off the clock of a sender 'ahead' or 'late' is; late can also mean its telemetry is delayed. */
export function describeClock({ clock, lagSeconds }: SenderClock): string {
  return clock === 'ahead'
    ? `${formatDuration(-lagSeconds)} ahead of the agent’s clock`
    : `${formatDuration(lagSeconds)} late: its clock runs behind, or its telemetry is delayed`;
}

export function formatPercent(ratio: number | undefined, digits = 1): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(digits)}%`;
}

/** A rise in the failure share, in percentage points, that marks an attribute change as one that hurt. */
const HARMFUL_RISE_POINTS = 20;

/** True when the runs after an attribute change failed at least 20 points more often than the runs before it. */
export function failedMoreAfter({ before, after }: Pick<AttributeTransition, 'before' | 'after'>): boolean {
  // In whole points, as the page shows them: in floating point 0.7 − 0.5 falls short of 0.2.
  return (
    before.failureShare !== null &&
    after.failureShare !== null &&
    Math.round((after.failureShare - before.failureShare) * 100) >= HARMFUL_RISE_POINTS
  );
}

/** What the app shows for an attribute absent on one side of a change or a comparison. */
export const ABSENT = '—';

const formatValue = (value: AttributeValue) => (value === null ? ABSENT : String(value));

/** `deployment.version 2.3.0 → 2.4.0 at 2026-11-21 13:00:00 CET`: an attribute change in one line of text. */
export function describeChange({ key, from, to, at }: Pick<AttributeTransition, 'key' | 'from' | 'to' | 'at'>): string {
  return `${key} ${formatValue(from)} → ${formatValue(to)} at ${formatTime(at)}`;
}

/**
 * A time as Grafana's other pages show it to this user, `2026-11-21 13:04:00 CET`: in the user's time zone (their
 * preference, their team's or org's, else the browser's), with its abbreviation so it is never ambiguous. Takes an ISO
 * string or epoch milliseconds; text that is no time is shown as it is.
 */
export function formatTime(time: string | number | undefined): string {
  if (time === undefined || time === '') {
    return '–';
  }
  const ms = new Date(time).getTime();
  return Number.isNaN(ms) ? String(time) : dateTimeFormatWithAbbrevation(ms, { timeZone: userTimeZone() });
}

/**
 * Grafana shows 'browser', '' and zones it does not know in the browser's zone, which moment cannot abbreviate
 * without its name: the browser gives the name.
 */
function userTimeZone(): TimeZone {
  const zone = getTimeZone();
  return getZone(zone) ? zone : browserZone();
}

/**
 * The browser's zone by name, asked again only when its offset from UTC changes (the machine moved zones): asking
 * takes some 160 µs, and a run's log shows a time on every line.
 */
let browser: { offset: number; zone: string } | undefined;
function browserZone(): string {
  const offset = new Date().getTimezoneOffset();
  if (browser?.offset !== offset) {
    browser = { offset, zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  }
  return browser.zone;
}

/** An SLO's error budget left, `62%`; once overspent, how many budgets were spent rather than a negative share. */
export function formatBudget(remaining: number): string {
  return remaining >= 0 ? formatPercent(remaining, 0) : `exhausted (${(1 - remaining).toFixed(1)}× spent)`;
}

/** The multiwindow rule that fired, `1h+5m > 3.36`, in words: `burn over 3.36× in both 1h and 5m`. */
export function describeFiring(rule: string): string {
  const match = /^(\w+)\+(\w+) > ([\d.]+)$/.exec(rule);
  return match ? `burn over ${match[3]}× in both ${match[1]} and ${match[2]}` : rule;
}

const STATUS_RANK: Record<HealthStatus, number> = { unhealthy: 0, degraded: 1, healthy: 2, unknown: 3 };

/** `unhealthy 38`; unknown health has no score at all (too few runs), not a 0: `unknown –`. */
export function formatHealth({ status, score }: Health): string {
  return `${status} ${score === null ? '–' : Math.round(score)}`;
}

export interface OverviewRow extends WorkflowSummary {
  totalOpenFindings: number;
  /** The sparkline's bars: each slice's start with its counts. */
  sparklinePoints: Array<{ t: string; runs: number; failures: number }>;
}

/** Worst first: unhealthy before degraded before healthy, lower score first; workflows without runs last. */
export function toOverviewRows({ items, sparklineStarts }: WorkflowList): OverviewRow[] {
  return items
    .map((w) => ({
      ...w,
      totalOpenFindings: SEVERITIES.reduce((sum, s) => sum + (w.openFindings[s] ?? 0), 0),
      sparklinePoints: sparklineStarts.map((t, i) => ({ t, runs: w.sparkline.runs[i] ?? 0, failures: w.sparkline.failures[i] ?? 0 })),
    }))
    .sort(
      (a, b) =>
        STATUS_RANK[a.health.status] - STATUS_RANK[b.health.status] ||
        (a.health.score ?? 101) - (b.health.score ?? 101) ||
        a.name.localeCompare(b.name)
    );
}

export function filterOverviewRows(rows: OverviewRow[], filter: { q: string; status: string }): OverviewRow[] {
  const q = filter.q.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (filter.status === 'all' || r.health.status === filter.status) &&
      (q === '' || r.name.toLowerCase().includes(q) || r.runner.toLowerCase().includes(q))
  );
}

/** True when there is nothing to act on: every workflow healthy and no open finding. */
export function allHealthy(rows: OverviewRow[]): boolean {
  return rows.length > 0 && rows.every((r) => r.health.status === 'healthy' && r.totalOpenFindings === 0);
}

/**
 * Where the time and the failures go: the steps with the largest share of failures first, then of time. The agent
 * gives the shares: time among top-level steps, each failure once at the step it began in, so each adds up to 100%.
 */
export function byShare(steps: StepSummary[]): StepSummary[] {
  return [...steps].sort((a, b) => b.failureShare - a.failureShare || (b.timeShare ?? 0) - (a.timeShare ?? 0));
}

export interface StepNode {
  step: RunStep;
  depth: number;
}

/** A run's steps in tree order (children under their parent, each level by start time), with their depth. */
export function toStepTree(steps: RunStep[]): StepNode[] {
  const ids = new Set(steps.map((s) => s.id));
  const children = new Map<string | undefined, RunStep[]>();
  for (const step of steps) {
    const parent = step.parentId && ids.has(step.parentId) ? step.parentId : undefined;
    // Pushed, not copied: a long workflow's run has thousands of steps under one parent.
    const siblings = children.get(parent);
    if (siblings) {
      siblings.push(step);
    } else {
      children.set(parent, [step]);
    }
  }
  const out: StepNode[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    const level = (children.get(parent) ?? []).sort((a, b) => a.startTime.localeCompare(b.startTime));
    for (const step of level) {
      out.push({ step, depth });
      visit(step.id, depth + 1);
    }
  };
  visit(undefined, 0);
  return out;
}

export interface MergedRecommendation extends RecommendationItem {
  /** Every finding that gives this advice, the one of highest impact and severity first (`findingId`). */
  findingIds: string[];
}

/**
 * One entry per distinct piece of advice for a workflow, at its highest impact and severity: findings of one cause
 * (a slowdown and the SLO it burns) each give the same advice, which would read twice.
 */
export function mergeRepeats(items: RecommendationItem[]): MergedRecommendation[] {
  const rank = (r: RecommendationItem) => IMPACTS.indexOf(r.impact) * SEVERITIES.length + SEVERITIES.indexOf(r.severity);
  const byAdvice = new Map<string, MergedRecommendation>();
  for (const item of [...items].sort((a, b) => rank(a) - rank(b))) {
    // The workflows too: merged advice is listed under each of the first finding's workflows.
    const key = JSON.stringify([item.workflow, item.workflows, item.title, item.steps]);
    const merged = byAdvice.get(key);
    if (merged) {
      merged.findingIds.push(item.findingId);
    } else {
      byAdvice.set(key, { ...item, findingIds: [item.findingId] });
    }
  }
  return [...byAdvice.values()];
}

export interface RecommendationGroup<T extends RecommendationItem = RecommendationItem> {
  workflow: string;
  byImpact: Array<{ impact: Impact; items: T[] }>;
}

/**
 * Grouped by workflow, then impact; workflows with the most high-impact work first. A finding shared by several
 * workflows gives its advice under each of them: each has the problem, though its advice names the finding's own.
 */
export function groupRecommendations<T extends RecommendationItem>(items: T[]): Array<RecommendationGroup<T>> {
  const byWorkflow = new Map<string, T[]>();
  for (const item of items) {
    for (const workflow of new Set([item.workflow, ...(item.workflows ?? [])])) {
      byWorkflow.set(workflow, [...(byWorkflow.get(workflow) ?? []), item]);
    }
  }
  const weight = (list: T[]) =>
    list.reduce((sum, r) => sum + 10 ** (IMPACTS.length - IMPACTS.indexOf(r.impact)), 0);
  return [...byWorkflow.entries()]
    .sort(([a, x], [b, y]) => weight(y) - weight(x) || a.localeCompare(b))
    .map(([workflow, list]) => ({
      workflow,
      byImpact: IMPACTS.map((impact) => ({
        impact,
        items: list
          .filter((r) => r.impact === impact)
          .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)),
      })).filter((g) => g.items.length > 0),
    }));
}

/** The runners' words for how a run or a step ended (or has not yet), grouped by what they ask of the reader. */
export type StatusTone = 'failed' | 'running' | 'muted' | 'succeeded';

const STATUS_TONES = new Map<string, StatusTone>([
  ['success', 'succeeded'],
  ['failure', 'failed'],
  ['error', 'failed'],
  ['timeout', 'failed'],
  ['running', 'running'],
  ['cancelled', 'muted'],
  ['skipped', 'muted'],
]);

/** Undefined for a status that is not a run's or a step's. */
export function statusTone(status: string): StatusTone | undefined {
  return STATUS_TONES.get(status);
}

/** `external_service` → `external service`. */
export function humanize(value: string): string {
  return value.replace(/_/g, ' ');
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * A measure of a finding's evidence as a person reads it: `stepP50Ms` 59000 is "step p50" 59 s, `failureShare` 0.38
 * is "failure share" 38.0%. The agent names units in its keys (`…Ms`, `…Seconds`, `seconds…`, `…MsPerDay`, `…Share`,
 * `…Rate`, `…Ratio`, `…Remaining`), an SLO's by theirs (`sli`, `objective` in percent, `burn1h` a multiple of the
 * allowed rate), and a custom rule's figures by their metric (`failure_rate`, `p95_duration`, `queue_p95`, in
 * seconds).
 */
export function formatMeasure(key: string, value: unknown): { label: string; text: string } {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .split(' ');
  const perDay = /MsPerDay$/.test(key);
  const unit = perDay || words.at(-1) === 'ms' ? 'ms' : words.includes('seconds') || words.includes('duration') || (words.includes('queue') && words.includes('p95')) ? 'seconds' : /^(share|rate|ratio|remaining)$/.test(words.at(-1)!) ? 'share' : undefined;
  const burn = /^burn(\d+[mhd])$/.exec(key);
  // The label is asked for alone (a table's first column), so an SLO's names are settled before any value.
  const label = key === 'sli' ? 'SLI' : burn ? `burn rate ${burn[1]}` : words.filter((w) => w !== 'ms' && w !== 'seconds').join(' ');
  // A time (a stalled workflow's `lastRun`, a hung run's `oldestStart`) as every other time on the page.
  if (typeof value === 'string' && ISO_TIME.test(value)) {
    return { label, text: formatTime(value) };
  }
  if (typeof value !== 'number') {
    return { label, text: value === undefined || value === null ? '–' : String(value) };
  }
  if (unit === 'ms' || unit === 'seconds') {
    const text = formatDuration(unit === 'ms' ? value / 1000 : value);
    return { label, text: perDay ? `${text}/day` : text };
  }
  // An overspent error budget as the SLO table says it, not as '-3962.5%'; an SLO's own figures are percentages
  // already, and its burn rates multiples of the allowed rate.
  if (/Remaining$/.test(key)) {
    return { label, text: formatBudget(value) };
  }
  if (/^(sli|objective)$/.test(key)) {
    return { label, text: `${value}%` };
  }
  if (burn) {
    return { label, text: `${value}×` };
  }
  return { label, text: unit === 'share' ? formatPercent(value) : String(value) };
}

export interface NestedItem {
  text: string;
  children: string[];
}

const NESTED = '  - ';

/** A session phase's lines as a two-level list: lines starting with `  - ` go under the line before them. */
export function toNestedItems(lines: string[]): NestedItem[] {
  const out: NestedItem[] = [];
  for (const line of lines) {
    const nested = line.startsWith(NESTED);
    const text = nested ? line.slice(NESTED.length) : line;
    const parent = out.at(-1);
    // A nested line with no line before it stands on its own.
    if (nested && parent) {
      parent.children.push(text);
    } else {
      out.push({ text, children: [] });
    }
  }
  return out;
}

/** A run's or step's error as one line: its type, then its message unless the message already starts with it. */
export function errorText({ errorType: type, errorMessage: message }: { errorType?: string; errorMessage?: string }): string {
  if (!message) {
    return type ?? '';
  }
  return type && !message.startsWith(type) ? `${type}: ${message}` : message;
}
