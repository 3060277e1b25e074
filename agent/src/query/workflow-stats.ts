import { isFailed, passedOnRetry, type Downstream, type RunRecord, type RunnerKind } from '../model/workflow.js';
import { percentile } from '../runtime/percentile.js';
import type { RunHead, WorkflowAggregate } from '../store/store.js';
import { isoTime } from '../runtime/iso-time.js';

/** Per-workflow figures the API serves, computed from runs in one pass. Pure: no store, no clock. */

const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms) / 1000);

export interface WorkflowSummary {
  name: string;
  runner: RunnerKind;
  runs: number;
  failedRuns: number;
  successRate: number | null;
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
  lastRunAt: string | null;
}

/** The API's view of a workflow's figures aggregated by the store. */
export function toSummary(aggregate: WorkflowAggregate): WorkflowSummary {
  return {
    name: aggregate.workflow,
    runner: aggregate.runner,
    runs: aggregate.runs,
    failedRuns: aggregate.failedRuns,
    successRate: aggregate.ratedRuns > 0 ? round((aggregate.ratedRuns - aggregate.failedRuns) / aggregate.ratedRuns, 4) : null,
    p50DurationSeconds: seconds(aggregate.p50DurationMs ?? undefined),
    p95DurationSeconds: seconds(aggregate.p95DurationMs ?? undefined),
    lastRunAt: aggregate.lastEndMs === null ? null : isoTime(aggregate.lastEndMs),
  };
}

/** Start times of `count` equal slices of [fromMs, toMs), as the workflow list's `sparklineStarts`. */
export function sliceStarts(fromMs: number, toMs: number, count: number): string[] {
  const width = Math.max(1, (toMs - fromMs) / count);
  return Array.from({ length: count }, (_, i) => isoTime(fromMs + i * width));
}

export interface StepStats {
  name: string;
  runs: number;
  failures: number;
  /** Runs in which the step passed, but only after more than one try: a flaky step's hidden failures. */
  passedOnRetry: number;
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
  totalDurationSeconds: number;
  /**
   * Its share (0–1) of the time of the runs' top-level steps, from its own top-level runs; null for a step that ran
   * only under another step, whose time is already that step's. The shares add up to 1.
   */
  timeShare: number | null;
  /** Its share (0–1) of the failures, each counted once, at the step it began in (a failed step none of whose child steps failed). */
  failureShare: number;
  /** How long it waited for a worker before it ran, when its runner reports that. */
  p50WaitSeconds?: number | null;
  p95WaitSeconds?: number | null;
  downstream: Downstream[];
}

interface StepEntry {
  durations: number[];
  waits: number[];
  failures: number;
  passedOnRetry: number;
  firstStart: number[];
  downstream: Map<string, Downstream>;
  /** Time in its top-level runs; undefined while it has run only under another step. */
  topLevelMs: number | undefined;
  originFailures: number;
}

/** Where the time and the failures go, step by step, in the order steps usually run. */
export function stepStats(runs: readonly RunRecord[]): StepStats[] {
  const byName = new Map<string, StepEntry>();
  let topLevelMs = 0;
  let originFailures = 0;
  for (const run of runs) {
    // A step failed because of one of its own only if a step under it failed too: the failure began lower down.
    const failedParents = new Set<string>();
    for (const step of run.steps) if (step.parentId !== undefined && isFailed(step.status)) failedParents.add(step.parentId);
    for (const step of run.steps) {
      let entry = byName.get(step.name);
      if (!entry) {
        entry = { durations: [], waits: [], failures: 0, passedOnRetry: 0, firstStart: [], downstream: new Map(), topLevelMs: undefined, originFailures: 0 };
        byName.set(step.name, entry);
      }
      entry.durations.push(step.durationMs);
      if (step.queueMs !== undefined) entry.waits.push(step.queueMs);
      entry.firstStart.push(step.startMs - run.startMs);
      if (step.parentId === undefined) {
        entry.topLevelMs = (entry.topLevelMs ?? 0) + step.durationMs;
        topLevelMs += step.durationMs;
      }
      if (isFailed(step.status)) {
        entry.failures++;
        if (!failedParents.has(step.id)) {
          entry.originFailures++;
          originFailures++;
        }
      } else if (passedOnRetry(step, run)) entry.passedOnRetry++;
      for (const d of step.downstream) {
        const known = entry.downstream.get(d.name);
        if (known) {
          known.calls += d.calls;
          known.errors += d.errors;
          known.durationMs += d.durationMs;
        } else entry.downstream.set(d.name, { ...d });
      }
    }
  }
  const share = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : 0);
  return [...byName.entries()]
    .map(([name, entry]) => {
      const sorted = entry.durations.sort((a, b) => a - b);
      const offsets = entry.firstStart.sort((a, b) => a - b);
      const waits = entry.waits.sort((a, b) => a - b);
      return {
        order: percentile(offsets, 50) ?? 0,
        stats: {
          name,
          runs: sorted.length,
          failures: entry.failures,
          passedOnRetry: entry.passedOnRetry,
          p50DurationSeconds: seconds(percentile(sorted, 50)),
          p95DurationSeconds: seconds(percentile(sorted, 95)),
          totalDurationSeconds: Math.round(sorted.reduce((a, b) => a + b, 0)) / 1000,
          timeShare: entry.topLevelMs === undefined ? null : share(entry.topLevelMs, topLevelMs),
          failureShare: share(entry.originFailures, originFailures),
          ...(waits.length > 0 && { p50WaitSeconds: seconds(percentile(waits, 50)), p95WaitSeconds: seconds(percentile(waits, 95)) }),
          downstream: [...entry.downstream.values()].sort((a, b) => b.calls - a.calls),
        },
      };
    })
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.stats);
}

export interface TimelinePoint {
  t: string;
  runs: number;
  failures: number;
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
}

/** Runs bucketed by start time into `buckets` equal slices of [fromMs, toMs). */
export function timeline(runs: readonly RunHead[], fromMs: number, toMs: number, buckets: number): TimelinePoint[] {
  const width = Math.max(1, (toMs - fromMs) / buckets);
  const slots = Array.from({ length: buckets }, () => ({ durations: [] as number[], failures: 0 }));
  for (const run of runs) {
    if (run.status === 'running') continue;
    const index = Math.floor((run.startMs - fromMs) / width);
    const slot = slots[Math.min(buckets - 1, Math.max(0, index))]!;
    slot.durations.push(run.durationMs);
    if (isFailed(run.status)) slot.failures++;
  }
  return slots.map((slot, i) => {
    const sorted = slot.durations.sort((a, b) => a - b);
    return {
      t: isoTime(fromMs + i * width),
      runs: sorted.length,
      failures: slot.failures,
      p50DurationSeconds: seconds(percentile(sorted, 50)),
      p95DurationSeconds: seconds(percentile(sorted, 95)),
    };
  });
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
