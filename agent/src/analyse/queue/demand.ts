import type { RunRecord } from '../../model/workflow.js';
import { poolsIn } from './waits.js';

const MINUTE = 60_000;
const HOUR = 3600_000;
/** Demand before an onset is measured over the day before it, or as much of it as is known. */
const BEFORE_MS = 24 * HOUR;
/**
 * A workflow first seen this long before an onset or less is new demand that may have made the backlog (a backfill
 * started an hour before the wait rose); one older is measured from its first run, not from hours it did not exist.
 */
const NEW_DEMAND_MS = 2 * HOUR;

/** How many tasks a workflow started in a pool per hour, before an onset and since. */
export interface DemandChange {
  workflow: string;
  beforePerHour: number;
  sincePerHour: number;
}

/**
 * The demand on each pool, kept through an analysis pass: the tasks (steps, or runs, that waited in the pool) each
 * workflow started in it per minute of event time. A pool short of workers is often one that another workflow began
 * to fill: a backfill, a new schedule, a burst of triggers. Counts, not busy time: a task's time includes its wait on
 * some runners, which would make the workflows that wait look like the ones that take.
 */
export class PoolDemand {
  /** Pool → workflow → minute → tasks started. */
  private readonly byPool = new Map<string, Map<string, Map<number, number>>>();
  /** Workflows whose history the pass capped: before their oldest run given, their demand is unknown. */
  private readonly capped = new Set<string>();
  /** The oldest run of any workflow: before it, nothing is known. */
  private windowFromMs = Infinity;
  /** Per workflow, its oldest run given. */
  private readonly firstRun = new Map<string, number>();

  /**
   * Counts the runs and steps of `runs` (oldest first) that waited for a worker: those that name the pool they waited
   * in. `capped`: the pass kept only the newest of the workflow's runs.
   */
  add(workflow: string, runs: readonly RunRecord[], capped: boolean): void {
    if (runs.length === 0) return;
    this.windowFromMs = Math.min(this.windowFromMs, runs[0]!.startMs);
    this.firstRun.set(workflow, runs[0]!.startMs);
    if (capped) this.capped.add(workflow);
    for (const run of runs) {
      if (run.queueMs !== undefined) for (const item of poolsIn(run.attributes)) this.count(item, workflow, run.startMs);
      for (const step of run.steps) if (step.queueMs !== undefined) for (const item of poolsIn(step.attributes)) this.count(item, workflow, step.startMs);
    }
  }

  /**
   * The workflows whose tasks in `pool` rose most at `onsetMs`: the day before (or as much of it as is known, at least
   * an hour) against [onsetMs, untilMs], by at least one task an hour, a fifth of the pool's demand before, and half
   * again their own; at most three, the largest rise first.
   */
  risers(pool: string, onsetMs: number, untilMs: number): DemandChange[] {
    const byWorkflow = this.byPool.get(pool);
    if (!byWorkflow) return [];
    // A period shorter than an hour is taken as an hour: a burst of minutes is no rate.
    const sinceHours = Math.max(untilMs - onsetMs, HOUR) / HOUR;
    const changes: DemandChange[] = [];
    for (const [workflow, minutes] of byWorkflow) {
      const first = this.firstRun.get(workflow)!;
      const fromMs = Math.max(onsetMs - BEFORE_MS, this.windowFromMs, this.capped.has(workflow) || first < onsetMs - NEW_DEMAND_MS ? first : -Infinity);
      if (onsetMs - fromMs < HOUR) continue;
      let before = 0;
      let since = 0;
      for (const [minute, tasks] of minutes) {
        const atMs = minute * MINUTE;
        if (atMs >= fromMs && atMs < onsetMs) before += tasks;
        else if (atMs >= onsetMs && atMs <= untilMs) since += tasks;
      }
      changes.push({ workflow, beforePerHour: before / ((onsetMs - fromMs) / HOUR), sincePerHour: since / sinceHours });
    }
    const poolBefore = changes.reduce((n, c) => n + c.beforePerHour, 0);
    return changes
      .filter((c) => c.sincePerHour - c.beforePerHour >= Math.max(1, 0.2 * poolBefore) && c.sincePerHour >= 1.5 * c.beforePerHour)
      .sort((a, b) => b.sincePerHour - b.beforePerHour - (a.sincePerHour - a.beforePerHour) || (a.workflow < b.workflow ? -1 : 1))
      .slice(0, 3);
  }

  private count(pool: string, workflow: string, ms: number): void {
    let byWorkflow = this.byPool.get(pool);
    if (!byWorkflow) this.byPool.set(pool, (byWorkflow = new Map()));
    let minutes = byWorkflow.get(workflow);
    if (!minutes) byWorkflow.set(workflow, (minutes = new Map()));
    // To the minute: a rate over hours needs no finer time, and a pass keeps these for every pool.
    const minute = Math.floor(ms / MINUTE);
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
  }
}
