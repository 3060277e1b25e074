import type { Database, Statement } from 'better-sqlite3';
import { percentile } from '../../query/workflow-stats.js';
import type { WorkflowAggregate } from '../store.js';
import { ForeignCommits } from './foreign-commits.js';
import { HOUR_OF_START, hourOf } from './run-hours.js';

/** Runs held in memory at most (about 40 bytes each); the hours used longest ago go first. */
const MAX_CACHED_RUNS = 250_000;
const FAILED = new Set(['failure', 'error', 'timeout']);
const UNRATED = new Set(['running', 'skipped', 'cancelled']);
/** A run's status as the figures use it, worked out once when its hour is read. */
const FINISHED = 1;
const FAILS = 2;
const RATED = 4;
const statusFlags = (status: string) =>
  (status === 'running' ? 0 : FINISHED) | (FAILED.has(status) ? FAILS : 0) | (UNRATED.has(status) ? 0 : RATED);

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
 * runs (workflow, status, times) kept in memory hour by hour. Reading 20,000 runs out of SQLite for every
 * request took most of the list's time, and a past hour rarely changes: a write drops the hours of the runs it
 * changes (`changed`), a commit by another connection drops them all, and only dropped or unseen hours are read
 * again. So a list under ingest reads the current hour, and a quiet one reads nothing.
 */
export class WorkflowAggregator {
  private readonly hours = new Map<number, Hour>();
  private cachedRuns = 0;
  private readonly foreignCommits: ForeignCommits;
  private readonly nextHour: Statement<[number, number], number>;
  private readonly runsOfHour: Statement<[number], [string, string, string, number, number, number]>;
  /** Runner names shared by every run that has them. */
  private readonly names = new Map<string, string>();

  constructor(db: Database) {
    this.foreignCommits = new ForeignCommits(db);
    // Both read only the index, which holds every column the figures need.
    this.nextHour = db
      .prepare<[number, number], number>(
        `SELECT ${HOUR_OF_START} FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} BETWEEN ? AND ? ORDER BY ${HOUR_OF_START} LIMIT 1`,
      )
      .pluck();
    this.runsOfHour = db
      .prepare<[number], [string, string, string, number, number, number]>(
        `SELECT workflow, runner, status, start_ms, end_ms, duration_ms FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} = ?`,
      )
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
    if (this.foreignCommits.happened()) {
      this.hours.clear();
      this.cachedRuns = 0;
    }
    const { fromMs, toMs, workflow } = query;
    const slices = query.slices ?? 0;
    const width = Math.max(1, (toMs - fromMs) / Math.max(1, slices));
    const totals = new Map<string, Totals>();
    // One seek per hour that has runs: a range of years costs no more than the hours it holds.
    const lastHour = hourOf(toMs);
    for (let hour = this.nextHour.get(hourOf(fromMs), lastHour); hour !== undefined; hour = this.nextHour.get(hour + 1, lastHour)) {
      const { byWorkflow } = this.hour(hour);
      const selected = workflow === undefined ? byWorkflow : byWorkflow.has(workflow) ? [[workflow, byWorkflow.get(workflow)!] as const] : [];
      for (const [name, runs] of selected) {
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
    }
    this.evict();
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

  /** The hour's runs, read from the store unless cached; marked as used most recently. */
  private hour(hour: number): Hour {
    const cached = this.hours.get(hour);
    if (cached) {
      this.hours.delete(hour);
      this.hours.set(hour, cached);
      return cached;
    }
    const read: Hour = { byWorkflow: new Map(), runs: 0 };
    for (const [workflow, runner, status, start, end, duration] of this.runsOfHour.iterate(hour)) {
      let runs = read.byWorkflow.get(workflow);
      if (!runs) read.byWorkflow.set(workflow, (runs = { starts: [], ends: [], durations: [], flags: [], runners: [] }));
      runs.starts.push(start);
      runs.ends.push(end);
      runs.durations.push(duration);
      runs.flags.push(statusFlags(status));
      runs.runners.push(this.shared(runner));
      read.runs++;
    }
    this.hours.set(hour, read);
    this.cachedRuns += read.runs;
    return read;
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
