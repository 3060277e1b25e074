import { isFailed, type RunStatus } from '../../model/workflow.js';
import { percentile } from '../../runtime/percentile.js';
import { sortSmall } from '../../runtime/sort-small.js';
import type { WorkflowAggregate } from '../store.js';

const UNRATED = new Set(['running', 'skipped', 'cancelled']);
/** A run's status as the figures use it, worked out once when its hour is read. */
const FINISHED = 1;
const FAILS = 2;
const RATED = 4;
export const statusFlags = (status: string) =>
  (status === 'running' ? 0 : FINISHED) | (isFailed(status as RunStatus) ? FAILS : 0) | (UNRATED.has(status) ? 0 : RATED);

/**
 * Run heads column by column, grouped by workflow: the runs of workflow `names[i]` are rows `bounds[i]` to
 * `bounds[i + 1]`. Columns per hour rather than small arrays per workflow and hour: the list reads each hour's
 * runs in one sequential sweep.
 */
export interface Heads {
  names: string[];
  bounds: number[];
  starts: number[];
  ends: number[];
  durations: number[];
  flags: number[];
  runners: string[];
}

/** Scratch kept between calls up to this many durations (8 bytes each); a larger one is let go after its call. */
const KEPT_CAPACITY = 1 << 20;

/**
 * Per-workflow figures of the runs of some hours' heads that started in a range: counts, duration percentiles,
 * the newest end and, with `slices`, runs and failures per slice of the range. The counts and durations go to
 * typed arrays reused from call to call: an array of durations and two of slice counts per workflow were 1.5 MB
 * of the 3.8 MB a workflow list of 1,000 workflows allocated, and the list's slow requests are those that meet a
 * collection of the young generation. One instance serves one caller at a time (calls are synchronous).
 */
export class HeadFigures {
  private durations = new Float64Array(1024);
  private owners = new Int32Array(1024);
  private sorted = new Float64Array(1024);
  /** Runs and then failures per slice, `2 × slices` per workflow. */
  private activity = new Int32Array(1024);

  figures(hours: readonly Heads[], query: { fromMs: number; toMs: number; slices?: number }): WorkflowAggregate[] {
    const { fromMs, toMs } = query;
    const slices = query.slices ?? 0;
    const width = Math.max(1, (toMs - fromMs) / Math.max(1, slices));
    const slotOf = new Map<string, number>();
    const names: string[] = [];
    const runners: string[] = [];
    const counts: number[] = [];
    const failed: number[] = [];
    const rated: number[] = [];
    const lastEnds: number[] = [];
    let values = 0;
    for (const { names: segments, bounds, starts, ends, durations, flags, runners: runnerOf } of hours) {
      for (let w = 0; w < segments.length; w++) {
        let slot = -1;
        for (let i = bounds[w]!; i < bounds[w + 1]!; i++) {
          const start = starts[i]!;
          if (start < fromMs || start > toMs) continue;
          if (slot === -1) {
            // A name met again after another (not in index order) finds its slot again: totals add up the same.
            slot = slotOf.get(segments[w]!) ?? names.length;
            if (slot === names.length) {
              slotOf.set(segments[w]!, slot);
              names.push(segments[w]!);
              runners.push(runnerOf[i]!);
              counts.push(0);
              failed.push(0);
              rated.push(0);
              lastEnds.push(-Infinity);
              this.clearActivity(slot, slices);
            }
          }
          if (runnerOf[i]! < runners[slot]!) runners[slot] = runnerOf[i]!;
          if (ends[i]! > lastEnds[slot]!) lastEnds[slot] = ends[i]!;
          const flag = flags[i]!;
          if (flag & RATED) rated[slot]!++;
          if (!(flag & FINISHED)) continue;
          const fails = (flag & FAILS) !== 0;
          counts[slot]!++;
          if (fails) failed[slot]!++;
          if (values === this.durations.length) this.grow(values * 2);
          this.durations[values] = durations[i]!;
          this.owners[values++] = slot;
          if (slices > 0) {
            const at = slot * slices * 2 + Math.min(Math.max(Math.floor((start - fromMs) / width), 0), slices - 1);
            this.activity[at]!++;
            if (fails) this.activity[at + slices]!++;
          }
        }
      }
    }
    const offsets = this.groupByWorkflow(values, counts);
    const aggregates: WorkflowAggregate[] = new Array(names.length);
    for (let slot = 0; slot < names.length; slot++) {
      const count = counts[slot]!;
      const sorted = this.sorted.subarray(offsets[slot]!, offsets[slot]! + count);
      sortSmall(sorted);
      const aggregate: WorkflowAggregate = {
        workflow: names[slot]!,
        runner: runners[slot] as WorkflowAggregate['runner'],
        runs: count,
        failedRuns: failed[slot]!,
        ratedRuns: rated[slot]!,
        p50DurationMs: percentile(sorted, 50) ?? null,
        p95DurationMs: percentile(sorted, 95) ?? null,
        lastEndMs: lastEnds[slot]!,
      };
      if (slices > 0) {
        // Pushed, not sized with `new Array(n)`: V8's JSON.stringify serialises holey arrays element by element
        // through the generic path, 2.5× slower for the list's 48 counts per workflow.
        const runs: number[] = [];
        const failures: number[] = [];
        const base = slot * slices * 2;
        for (let s = 0; s < slices; s++) {
          runs.push(this.activity[base + s]!);
          failures.push(this.activity[base + slices + s]!);
        }
        aggregate.activity = { runs, failures };
      }
      aggregates[slot] = aggregate;
    }
    if (this.durations.length > KEPT_CAPACITY) this.grow(1024, false);
    if (this.activity.length > KEPT_CAPACITY) this.activity = new Int32Array(1024);
    return aggregates;
  }

  /** Zeroes a new workflow's slice counts, making room for them. */
  private clearActivity(slot: number, slices: number): void {
    const end = (slot + 1) * slices * 2;
    if (end > this.activity.length) {
      const grown = new Int32Array(Math.max(end, this.activity.length * 2));
      grown.set(this.activity);
      this.activity = grown;
    }
    this.activity.fill(0, slot * slices * 2, end);
  }

  /** Copies the durations into `sorted`, a workflow's together (a counting sort by owner); their offsets. */
  private groupByWorkflow(values: number, counts: readonly number[]): number[] {
    const offsets = new Array<number>(counts.length);
    const next = new Array<number>(counts.length);
    let at = 0;
    for (let slot = 0; slot < counts.length; slot++) {
      offsets[slot] = next[slot] = at;
      at += counts[slot]!;
    }
    for (let i = 0; i < values; i++) this.sorted[next[this.owners[i]!]!++] = this.durations[i]!;
    return offsets;
  }

  private grow(capacity: number, keep = true): void {
    const durations = new Float64Array(capacity);
    const owners = new Int32Array(capacity);
    if (keep) {
      durations.set(this.durations);
      owners.set(this.owners);
    }
    this.durations = durations;
    this.owners = owners;
    this.sorted = new Float64Array(capacity);
  }
}
