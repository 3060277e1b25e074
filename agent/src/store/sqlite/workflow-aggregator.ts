import type { Database, Statement } from 'better-sqlite3';
import { isFailed, type RunStatus } from '../../model/workflow.js';
import { percentile } from '../../runtime/percentile.js';
import type { WorkflowAggregate } from '../store.js';
import { ForeignCommits } from './foreign-commits.js';
import { HOUR_OF_START, hourOf, workflowHours } from './run-hours.js';
import { sortSmall } from '../../runtime/sort-small.js';

/** Runs held in memory at most (about 40 bytes each); the hours used longest ago go first. */
const MAX_CACHED_RUNS = 250_000;
const UNRATED = new Set(['running', 'skipped', 'cancelled']);
/** A run's status as the figures use it, worked out once when its hour is read. */
const FINISHED = 1;
const FAILS = 2;
const RATED = 4;
const statusFlags = (status: string) =>
  (status === 'running' ? 0 : FINISHED) | (isFailed(status as RunStatus) ? FAILS : 0) | (UNRATED.has(status) ? 0 : RATED);

type HeadRow = [workflow: string, runner: string, status: string, startMs: number, endMs: number, durationMs: number];
const HEAD_COLUMNS = 'workflow, runner, status, start_ms, end_ms, duration_ms';

/**
 * Run heads column by column, grouped by workflow: the runs of workflow `names[i]` are rows `bounds[i]` to
 * `bounds[i + 1]`. Columns per hour rather than small arrays per workflow and hour: the list reads each hour's
 * runs in one sequential sweep.
 */
interface Heads {
  names: string[];
  bounds: number[];
  starts: number[];
  ends: number[];
  durations: number[];
  flags: number[];
  runners: string[];
}

interface Hour {
  heads: Heads;
  runs: number;
}

interface Totals {
  runner: string;
  runs: number;
  failed: number;
  rated: number;
  lastEndMs: number | null;
  durations: number[];
  activity?: { runs: number[]; failures: number[] };
}

/**
 * Per-workflow figures over a time range (the workflow list and a workflow's page), exact, from the heads of the
 * runs (workflow, status, times). For the list they are kept in memory hour by hour: reading 20,000 runs out of
 * SQLite for every request took most of its time, and a past hour rarely changes. A write drops the hours of the
 * runs it changes (`changed`), a commit by another connection drops them all, and only dropped or unseen hours
 * are read again, so a list under ingest reads the current hour and a quiet one reads nothing. One workflow's
 * figures are read straight from the index, hour by hour, rather than filling every workflow's hours.
 */
export class WorkflowAggregator {
  private readonly hours = new Map<number, Hour>();
  private cachedRuns = 0;
  private readonly foreignCommits: ForeignCommits;
  private readonly nextHour: Statement<[number, number], number>;
  private readonly runsOfHour: Statement<[number], HeadRow>;
  /** Runner names shared by every run that has them. */
  private readonly names = new Map<string, string>();

  constructor(private readonly db: Database) {
    this.foreignCommits = new ForeignCommits(db);
    // Both read only the index, which holds every column the figures need.
    this.nextHour = db
      .prepare<[number, number], number>(
        `SELECT ${HOUR_OF_START} FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} BETWEEN ? AND ? ORDER BY ${HOUR_OF_START} LIMIT 1`,
      )
      .pluck();
    this.runsOfHour = db
      .prepare<[number], HeadRow>(`SELECT ${HEAD_COLUMNS} FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} = ?`)
      .raw();
  }

  /** A run that started at `startMs` was written or deleted. */
  changed(startMs: number): void {
    const hour = hourOf(startMs);
    const cached = this.hours.get(hour);
    if (!cached) return;
    this.cachedRuns -= cached.runs;
    this.hours.delete(hour);
  }

  aggregate(query: { fromMs: number; toMs: number; workflow?: string; slices?: number }): WorkflowAggregate[] {
    const totals = new Map<string, Totals>();
    if (query.workflow !== undefined) {
      this.add(totals, this.read(this.workflowHeads(query.workflow, query.fromMs, query.toMs)), query);
      return finish(totals);
    }
    if (this.foreignCommits.happened()) {
      this.hours.clear();
      this.cachedRuns = 0;
    }
    // One seek per hour that has runs: a range of years costs no more than the hours it holds.
    const lastHour = hourOf(query.toMs);
    for (let hour = this.nextHour.get(hourOf(query.fromMs), lastHour); hour !== undefined; hour = this.nextHour.get(hour + 1, lastHour)) {
      this.add(totals, this.hour(hour), query);
    }
    this.evict();
    return finish(totals);
  }

  /** Adds the runs of `heads` that started in the range to their workflows' totals. */
  private add(totals: Map<string, Totals>, heads: Heads, query: { fromMs: number; toMs: number; slices?: number }): void {
    const { fromMs, toMs } = query;
    const slices = query.slices ?? 0;
    const width = Math.max(1, (toMs - fromMs) / Math.max(1, slices));
    const { names, bounds, starts, ends, durations, flags, runners } = heads;
    for (let w = 0; w < names.length; w++) {
      const name = names[w]!;
      let sum = totals.get(name);
      for (let i = bounds[w]!; i < bounds[w + 1]!; i++) {
        const start = starts[i]!;
        if (start < fromMs || start > toMs) continue;
        if (!sum) {
          sum = { runner: runners[i]!, runs: 0, failed: 0, rated: 0, lastEndMs: null, durations: [] };
          if (slices > 0) sum.activity = { runs: new Array<number>(slices).fill(0), failures: new Array<number>(slices).fill(0) };
          totals.set(name, sum);
        }
        if (runners[i]! < sum.runner) sum.runner = runners[i]!;
        if (sum.lastEndMs === null || ends[i]! > sum.lastEndMs) sum.lastEndMs = ends[i]!;
        const flag = flags[i]!;
        if (flag & RATED) sum.rated++;
        if (!(flag & FINISHED)) continue;
        const failed = (flag & FAILS) !== 0;
        sum.runs++;
        if (failed) sum.failed++;
        sum.durations.push(durations[i]!);
        if (sum.activity) {
          const slice = Math.min(Math.max(Math.floor((start - fromMs) / width), 0), slices - 1);
          sum.activity.runs[slice]!++;
          if (failed) sum.activity.failures[slice]!++;
        }
      }
    }
  }

  /** One workflow's run heads in a range, from the index alone. */
  private workflowHeads(workflow: string, fromMs: number, toMs: number): Iterable<HeadRow> {
    const hours = workflowHours(workflow, fromMs, toMs);
    return this.db
      .prepare(`SELECT ${HEAD_COLUMNS} FROM runs INDEXED BY runs_by_hour_workflow WHERE ${hours.sql}`)
      .raw()
      .iterate(...hours.params) as Iterable<HeadRow>;
  }

  /** The hour's run heads, read from the store unless cached; marked as used most recently. */
  private hour(hour: number): Heads {
    let cached = this.hours.get(hour);
    if (cached) this.hours.delete(hour);
    else {
      const heads = this.read(this.runsOfHour.iterate(hour));
      cached = { heads, runs: heads.starts.length };
      this.cachedRuns += cached.runs;
    }
    this.hours.set(hour, cached);
    return cached.heads;
  }

  /** Run heads in index order (by workflow within an hour), column by column. */
  private read(rows: Iterable<HeadRow>): Heads {
    const heads: Heads = { names: [], bounds: [0], starts: [], ends: [], durations: [], flags: [], runners: [] };
    let last: string | undefined;
    for (const [workflow, runner, status, start, end, duration] of rows) {
      if (workflow !== last) {
        // A name seen again after another (not in index order) starts a segment of its own: totals add up the same.
        if (last !== undefined) heads.bounds.push(heads.starts.length);
        heads.names.push(workflow);
        last = workflow;
      }
      heads.starts.push(start);
      heads.ends.push(end);
      heads.durations.push(duration);
      heads.flags.push(statusFlags(status));
      heads.runners.push(this.shared(runner));
    }
    heads.bounds.push(heads.starts.length);
    return heads;
  }

  private evict(): void {
    for (const [hour, { runs }] of this.hours) {
      if (this.cachedRuns <= MAX_CACHED_RUNS) return;
      this.hours.delete(hour);
      this.cachedRuns -= runs;
    }
  }

  private shared(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    this.names.set(name, name);
    return name;
  }
}

/** The figures of each workflow, by name. */
function finish(totals: Map<string, Totals>): WorkflowAggregate[] {
  const aggregates: WorkflowAggregate[] = [];
  for (const [name, sum] of totals) {
    const durations = sortSmall(sum.durations, (a, b) => a - b);
    const aggregate: WorkflowAggregate = {
      workflow: name,
      runner: sum.runner as WorkflowAggregate['runner'],
      runs: sum.runs,
      failedRuns: sum.failed,
      ratedRuns: sum.rated,
      p50DurationMs: percentile(durations, 50) ?? null,
      p95DurationMs: percentile(durations, 95) ?? null,
      lastEndMs: sum.lastEndMs,
    };
    if (sum.activity) aggregate.activity = sum.activity;
    aggregates.push(aggregate);
  }
  return aggregates;
}
