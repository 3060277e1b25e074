import type { RunRecord } from '../../model/workflow.js';
import { poolsIn } from './waits.js';

const HOUR = 3600_000;
/** Demand before an onset is measured over the day before it. */
const BEFORE_HOURS = 24;

/** How many tasks a workflow started in a pool per hour, before an onset and since. */
export interface DemandChange {
  workflow: string;
  beforePerHour: number;
  sincePerHour: number;
}

/**
 * The demand on each pool, kept through an analysis pass: the tasks (steps, or runs, that waited in the pool) each
 * workflow started in it per hour of event time. A pool short of workers is often one that another workflow began to fill: a
 * backfill, a new schedule, a burst of triggers. Counts, not busy time: a task's time includes its wait on some
 * runners, which would make the workflows that wait look like the ones that take.
 */
export class PoolDemand {
  /** Pool → workflow → hour → tasks started. */
  private readonly byPool = new Map<string, Map<string, Map<number, number>>>();

  /** Counts the runs and steps of `runs` that waited for a worker: those that name the pool they waited in. */
  add(workflow: string, runs: readonly RunRecord[]): void {
    for (const run of runs) {
      if (run.queueMs !== undefined) for (const item of poolsIn(run.attributes)) this.count(item, workflow, run.startMs);
      for (const step of run.steps) if (step.queueMs !== undefined) for (const item of poolsIn(step.attributes)) this.count(item, workflow, step.startMs);
    }
  }

  /**
   * The workflows whose tasks in `pool` rose most at `onsetMs`: the day before against [onsetMs, untilMs], by at least
   * one task an hour, a fifth of the pool's demand before, and half again their own; at most three, the largest rise first.
   */
  risers(pool: string, onsetMs: number, untilMs: number): DemandChange[] {
    const byWorkflow = this.byPool.get(pool);
    if (!byWorkflow) return [];
    // Whole hours: the day before the onset's hour, and the hours after it (the onset's own hour holds both).
    const onsetHour = Math.floor(onsetMs / HOUR);
    const lastHour = Math.max(onsetHour + 1, Math.floor(untilMs / HOUR));
    const changes: DemandChange[] = [];
    for (const [workflow, hours] of byWorkflow) {
      let before = 0;
      let since = 0;
      for (const [hour, tasks] of hours) {
        if (hour >= onsetHour - BEFORE_HOURS && hour < onsetHour) before += tasks;
        else if (hour > onsetHour && hour <= lastHour) since += tasks;
      }
      changes.push({ workflow, beforePerHour: before / BEFORE_HOURS, sincePerHour: since / (lastHour - onsetHour) });
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
    let hours = byWorkflow.get(workflow);
    if (!hours) byWorkflow.set(workflow, (hours = new Map()));
    const hour = Math.floor(ms / HOUR);
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
  }
}
