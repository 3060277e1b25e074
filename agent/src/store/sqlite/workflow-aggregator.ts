import type { Database, Statement } from 'better-sqlite3';
import type { WorkflowAggregate } from '../store.js';
import { ForeignCommits } from './foreign-commits.js';
import { HeadFigures, statusFlags, type Heads } from './head-figures.js';
import { HOUR_OF_START, hourOf, workflowHours } from './run-hours.js';

/** Runs held in memory at most (about 40 bytes each); the hours used longest ago go first. */
const MAX_CACHED_RUNS = 250_000;

type HeadRow = [workflow: string, runner: string, status: string, startMs: number, endMs: number, durationMs: number];
const HEAD_COLUMNS = 'workflow, runner, status, start_ms, end_ms, duration_ms';

interface Hour {
  heads: Heads;
  runs: number;
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
  private readonly figures = new HeadFigures();

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
    if (query.workflow !== undefined) return this.figures.figures([this.read(this.workflowHeads(query.workflow, query.fromMs, query.toMs))], query);
    if (this.foreignCommits.happened()) {
      this.hours.clear();
      this.cachedRuns = 0;
    }
    // One seek per hour that has runs: a range of years costs no more than the hours it holds.
    const lastHour = hourOf(query.toMs);
    const hours: Heads[] = [];
    for (let hour = this.nextHour.get(hourOf(query.fromMs), lastHour); hour !== undefined; hour = this.nextHour.get(hour + 1, lastHour)) {
      hours.push(this.hour(hour));
    }
    this.evict();
    return this.figures.figures(hours, query);
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
