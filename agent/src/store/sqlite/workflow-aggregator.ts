import type { Database, Statement } from 'better-sqlite3';
import type { RunStatus } from '../../model/workflow.js';
import { isFailed, percentile } from '../../query/workflow-stats.js';
import type { WorkflowAggregate } from '../store.js';
import { ForeignCommits } from './foreign-commits.js';
import { HOUR_OF_START, hourOf, workflowHours } from './run-hours.js';

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

/** One workflow's runs that started in one hour, column by column. */
interface HourRuns {
  starts: number[];
  ends: number[];
  durations: number[];
  flags: number[];
  runners: string[];
}

interface Hour {
  byWorkflow: Map<string, HourRuns>;
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
      const runs = this.read(this.workflowHeads(query.workflow, query.fromMs, query.toMs)).get(query.workflow);
      if (runs) this.add(totals, query.workflow, runs, query);
      return finish(totals);
    }
    if (this.foreignCommits.happened()) {
      this.hours.clear();
      this.cachedRuns = 0;
    }
    // One seek per hour that has runs: a range of years costs no more than the hours it holds.
    const lastHour = hourOf(query.toMs);
    for (let hour = this.nextHour.get(hourOf(query.fromMs), lastHour); hour !== undefined; hour = this.nextHour.get(hour + 1, lastHour)) {
      for (const [name, runs] of this.hour(hour)) this.add(totals, name, runs, query);
    }
    this.evict();
    return finish(totals);
  }

  /** Adds the runs of `runs` that started in the range to the workflow's totals. */
  private add(totals: Map<string, Totals>, name: string, runs: HourRuns, query: { fromMs: number; toMs: number; slices?: number }): void {
    const { fromMs, toMs } = query;
    const slices = query.slices ?? 0;
    const width = Math.max(1, (toMs - fromMs) / Math.max(1, slices));
    let sum = totals.get(name);
    for (let i = 0; i < runs.starts.length; i++) {
      const start = runs.starts[i]!;
      if (start < fromMs || start > toMs) continue;
      if (!sum) {
        sum = { runner: runs.runners[i]!, runs: 0, failed: 0, rated: 0, lastEndMs: null, durations: [] };
        if (slices > 0) sum.activity = { runs: new Array<number>(slices).fill(0), failures: new Array<number>(slices).fill(0) };
        totals.set(name, sum);
      }
      if (runs.runners[i]! < sum.runner) sum.runner = runs.runners[i]!;
      if (sum.lastEndMs === null || runs.ends[i]! > sum.lastEndMs) sum.lastEndMs = runs.ends[i]!;
      const flags = runs.flags[i]!;
      if (flags & RATED) sum.rated++;
      if (!(flags & FINISHED)) continue;
      const failed = (flags & FAILS) !== 0;
      sum.runs++;
      if (failed) sum.failed++;
      sum.durations.push(runs.durations[i]!);
      if (sum.activity) {
        const slice = Math.min(Math.max(Math.floor((start - fromMs) / width), 0), slices - 1);
        sum.activity.runs[slice]!++;
        if (failed) sum.activity.failures[slice]!++;
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

  /** The hour's runs by workflow, read from the store unless cached; marked as used most recently. */
  private hour(hour: number): Map<string, HourRuns> {
    let cached = this.hours.get(hour);
    if (cached) this.hours.delete(hour);
    else {
      const byWorkflow = this.read(this.runsOfHour.iterate(hour));
      let runs = 0;
      for (const columns of byWorkflow.values()) runs += columns.starts.length;
      cached = { byWorkflow, runs };
      this.cachedRuns += runs;
    }
    this.hours.set(hour, cached);
    return cached.byWorkflow;
  }

  /** Run heads, column by column per workflow. */
  private read(rows: Iterable<HeadRow>): Map<string, HourRuns> {
    const byWorkflow = new Map<string, HourRuns>();
    for (const [workflow, runner, status, start, end, duration] of rows) {
      let runs = byWorkflow.get(workflow);
      if (!runs) byWorkflow.set(workflow, (runs = { starts: [], ends: [], durations: [], flags: [], runners: [] }));
      runs.starts.push(start);
      runs.ends.push(end);
      runs.durations.push(duration);
      runs.flags.push(statusFlags(status));
      runs.runners.push(this.shared(runner));
    }
    return byWorkflow;
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
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, sum]) => {
    const durations = sum.durations.sort((a, b) => a - b);
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
    return aggregate;
  });
}
