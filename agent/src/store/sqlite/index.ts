import { rmSync } from 'node:fs';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Finding, FindingCandidate, FindingStatus } from '../../model/finding.js';
import type { RunOutcomeQuery, RunOutcomes } from '../../model/run-outcomes.js';
import { FAILED_STATUSES, type RunRecord } from '../../model/workflow.js';
import type {
  Cleared,
  FindingQuery,
  PatternQuery,
  PatternRow,
  RemodelOutcome,
  RunTransition,
  WorkflowAggregate,
  RunQuery,
  Store,
  StoredLog,
  TemplateHit,
  TemplateOf,
  TraceModeller,
  WriteBatch,
  WriteResult,
} from '../store.js';
import { DEFAULT_MAX_SPANS_PER_TRACE } from '../store.js';
import { RUN_COLUMNS, runFromRow, type RunRow } from './codec.js';
import { FindingTable } from './findings.js';
import { ForeignCommits } from './foreign-commits.js';
import { IdIndex, IdKind } from './id-index.js';
import { LogWriter } from './log-writer.js';
import { openDatabase } from './open.js';
import { ResourceTable } from './resources.js';
import { TemplateMerges } from './template-merges.js';
import { TemplateRunIndex } from './template-runs.js';
import { StoreWorker } from './store-worker.js';
import { DeferredTraces } from './deferred-traces.js';
import { TraceWriter, type TraceWriteResult } from './trace-writer.js';
import { allHours, HOUR_OF_START, hourOf, workflowHours } from './run-hours.js';
import { WorkflowAggregator } from './workflow-aggregator.js';

/** Runs started in a time range, of one workflow if given: FROM and WHERE clauses with their parameters. */
function runsInRange(query: { fromMs: number; toMs: number; workflow?: string }): { from: string; where: string; params: unknown[] } {
  const range = { where: 'start_ms >= ? AND start_ms <= ?', params: [query.fromMs, query.toMs] as unknown[] };
  if (query.workflow === undefined) {
    const hours = allHours(query.fromMs, query.toMs);
    return { from: 'runs', where: `${hours.sql} AND ${range.where}`, params: [...hours.params, ...range.params] };
  }
  const hours = workflowHours(query.workflow, query.fromMs, query.toMs);
  return {
    from: 'runs INDEXED BY runs_by_hour_workflow',
    where: `${hours.sql} AND ${range.where}`,
    params: [...hours.params, ...range.params],
  };
}

/** WAL length (16 KiB frames, 64 MiB, the `journal_size_limit`) past which a write makes the WAL start over. */
const WAL_RESTART_FRAMES = 4096;

/** Rows deleted per table and retention chunk: small enough that a chunk never holds up ingest noticeably. */
const PRUNE_CHUNK = 1_000;

export interface SqliteStoreOptions {
  /** Spans one trace may hold; its later spans are refused. */
  maxSpansPerTrace?: number;
  /** The WAL length past which a write makes it start over (tests make it small). */
  walRestartFrames?: number;
}

/** The store's id file (`id-index.ts`), beside it. */
const idFileOf = (path: string) => `${path}.ids`;

/** Deletes the store at `path` and what SQLite and the id index keep beside it: a throw-away store, started over. */
export function removeStore(path: string): void {
  if (path === ':memory:') return;
  for (const file of [path, idFileOf(path)]) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

export class SqliteStore implements Store {
  readonly db: Db;
  private readonly resources: ResourceTable;
  private readonly idIndex: IdIndex;
  private readonly traceWriter: TraceWriter;
  private readonly deferred: DeferredTraces;
  private readonly logWriter: LogWriter;
  private readonly templateRuns: TemplateRunIndex;
  private readonly findingTable: FindingTable;
  private readonly templateMerges: TemplateMerges;
  private readonly aggregator: WorkflowAggregator;
  private readonly foreignCommits: ForeignCommits;
  private readonly statements: {
    logsOfTrace: Statement<[string, number], { time_ms: number; severity_number: number; severity_text: string; body: string; span_id: string; template_id: string | null }>;
    hourBefore: Statement<[number], number>;
    oldestStart: Statement<[], number | null>;
    workflowInHour: Statement<[number, string], unknown>;
    lastRuns: Statement<[number], { workflow: string; end: number }>;
    latestEnd: Statement<[number], { end: number | null }>;
    upsertTemplate: Statement<unknown[]>;
    clusters: Statement<[], { state: string }>;
    clearClusters: Statement<[]>;
    insertCluster: Statement<[string, string]>;
    runsOfPattern: Statement<[string, number], { run_id: string; workflow: string; step: string; count: number }>;
    templateAlias: Statement<[string], string>;
    saveSession: Statement<unknown[]>;
    session: Statement<[string], { id: string; workflow: string; created_ms: number; body: string }>;
    pruneRuns: Statement<[number, number, number], { seq: number; id: string; trace_id: string; start_ms: number }>;
    pruneChunks: Statement<[number, number], { id: number; trace_id: string }>;
    chunkTrace: Statement<[number], { trace_id: string }>;
    deleteRun: Statement<[number]>;
    deleteChunk: Statement<[number]>;
    prune: Statement<[number, number]>[];
  };

  private readonly worker: StoreWorker | undefined;
  private readonly preparedByText = new Map<string, Statement>();

  private readonly walRestartFrames: number;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.walRestartFrames = options.walRestartFrames ?? WAL_RESTART_FRAMES;
    this.db = openDatabase(path);
    this.resources = new ResourceTable(this.db);
    const idsPath = idFileOf(path);
    this.worker = path === ':memory:' ? undefined : new StoreWorker(path, idsPath);
    const worker = this.worker;
    this.idIndex = new IdIndex(this.db, worker && { path: idsPath, write: (batch) => worker.writeIds(batch) });
    this.aggregator = new WorkflowAggregator(this.db);
    this.foreignCommits = new ForeignCommits(this.db);
    this.deferred = new DeferredTraces(this.db);
    this.traceWriter = new TraceWriter(
      this.db,
      this.resources,
      this.idIndex,
      this.deferred,
      (startMs) => this.aggregator.changed(startMs),
      options.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE,
    );
    this.logWriter = new LogWriter(this.db, this.resources);
    this.templateRuns = new TemplateRunIndex(this.db, (traceId) => this.traceWriter.runsOfTrace(traceId));
    this.findingTable = new FindingTable(this.db, (sql) => this.prepared(sql));
    this.templateMerges = new TemplateMerges(this.db);
    this.statements = {
      logsOfTrace: this.db.prepare(
        `SELECT l.time_ms, l.severity_number, l.severity_text, l.body, l.span_id, coalesce(a.to_id, l.template_id) AS template_id
         FROM logs l LEFT JOIN template_aliases a ON a.from_id = l.template_id WHERE l.trace_id = ? ORDER BY l.time_ms LIMIT ?`,
      ),
      hourBefore: this.db
        .prepare<[number], number>(`SELECT ${HOUR_OF_START} FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} < ? ORDER BY ${HOUR_OF_START} DESC LIMIT 1`)
        .pluck(),
      // The oldest run's start: the first hour of the index, then the runs of that hour only.
      oldestStart: this.db
        .prepare<[], number | null>(
          `SELECT min(start_ms) FROM runs INDEXED BY runs_by_hour_workflow
           WHERE ${HOUR_OF_START} = (SELECT ${HOUR_OF_START} FROM runs INDEXED BY runs_by_hour_workflow ORDER BY ${HOUR_OF_START} LIMIT 1)`,
        )
        .pluck(),
      workflowInHour: this.db.prepare(`SELECT 1 FROM runs INDEXED BY runs_by_hour_workflow WHERE ${HOUR_OF_START} = ? AND workflow = ? LIMIT 1`),
      lastRuns: this.db.prepare(
        "SELECT workflow, max(end_ms) AS end FROM runs WHERE end_ms <= ? AND status != 'running' GROUP BY workflow",
      ),
      latestEnd: this.db.prepare('SELECT max(end_ms) AS end FROM runs WHERE end_ms <= ?'),
      upsertTemplate: this.db.prepare(
        `INSERT INTO templates (id, template, count, first_ms, last_ms, max_severity) VALUES (?,?,1,?,?,?)
         ON CONFLICT (id) DO UPDATE SET template = excluded.template, count = count + 1,
           first_ms = min(coalesce(first_ms, excluded.first_ms), excluded.first_ms),
           last_ms = max(coalesce(last_ms, excluded.last_ms), excluded.last_ms),
           max_severity = max(max_severity, excluded.max_severity)`,
      ),
      clusters: this.db.prepare('SELECT state FROM template_clusters ORDER BY rowid'),
      clearClusters: this.db.prepare('DELETE FROM template_clusters'),
      insertCluster: this.db.prepare('INSERT INTO template_clusters (id, state) VALUES (?, ?)'),
      runsOfPattern: this.db.prepare(
        'SELECT run_id, workflow, step, count FROM template_runs WHERE template_id = ? ORDER BY last_ms DESC LIMIT ?',
      ),
      templateAlias: this.db.prepare<[string], string>('SELECT to_id FROM template_aliases WHERE from_id = ?').pluck(),
      saveSession: this.db.prepare('INSERT OR REPLACE INTO sessions (id, workflow, created_ms, body) VALUES (?,?,?,?)'),
      session: this.db.prepare('SELECT * FROM sessions WHERE id = ?'),
      // A run that ended before the cut-off started before it: the index's hours up to it, not the whole table.
      pruneRuns: this.db.prepare(`SELECT seq, id, trace_id, start_ms FROM runs WHERE ${HOUR_OF_START} <= ? AND end_ms < ? LIMIT ?`),
      pruneChunks: this.db.prepare('SELECT id, trace_id FROM span_chunks WHERE end_ms < ? LIMIT ?'),
      chunkTrace: this.db.prepare('SELECT trace_id FROM span_chunks WHERE id = ?'),
      deleteRun: this.db.prepare('DELETE FROM runs WHERE seq = ?'),
      deleteChunk: this.db.prepare('DELETE FROM span_chunks WHERE id = ?'),
      prune: [
        'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE time_ms < ? LIMIT ?)',
        `DELETE FROM template_runs WHERE (template_id, run_id, step) IN
           (SELECT template_id, run_id, step FROM template_runs WHERE last_ms < ? LIMIT ?)`,
        // Started at an event time (the newest run's end), like everything else retention compares.
        'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE created_ms < ? LIMIT ?)',
      ].map((sql) => this.db.prepare<[number, number]>(sql)),
    };
  }

  write(batch: WriteBatch, model: TraceModeller, templateOf: TemplateOf): WriteResult {
    return this.writeTraces(() => {
      this.templateMerges.apply(batch.templateMerges);
      const traces = this.traceWriter.write(batch.spans, model);
      const logs = this.logWriter.write(batch.logs, batch.logTemplates);
      this.refreshTemplateRuns(traces, logs.traces, templateOf);
      return {
        spansAccepted: traces.accepted,
        spansDuplicate: traces.duplicates,
        spansRefused: traces.refused,
        spansConflicting: traces.conflicting,
        logsAccepted: logs.accepted,
        logsDuplicate: logs.duplicates,
        logsInserted: logs.inserted,
        transitions: traces.transitions,
      };
    });
  }

  remodelDeferred(model: TraceModeller, templateOf: TemplateOf, nowMs: number, budgetMs = Infinity): RemodelOutcome | undefined {
    const due = this.deferred.due(nowMs);
    if (due.length === 0) return undefined;
    const transitions: RunTransition[] = [];
    const failures: Error[] = [];
    const started = performance.now();
    // A transaction per trace: one that cannot be re-derived does not hold up the others.
    for (const traceId of due) {
      if (traceId !== due[0] && performance.now() - started >= budgetMs) break;
      try {
        const changed = this.writeTraces(() => {
          const traces = this.traceWriter.remodel(traceId, model);
          this.refreshTemplateRuns(traces, new Set(), templateOf);
          return traces.transitions;
        });
        transitions.push(...changed);
      } catch (error) {
        // After the rollback, which put the trace's schedule back.
        this.deferred.failed(traceId, nowMs);
        failures.push(error as Error);
      }
    }
    return { written: { spansAccepted: 0, spansDuplicate: 0, spansRefused: [], spansConflicting: [], logsAccepted: 0, logsDuplicate: 0, logsInserted: [], transitions }, failures };
  }

  nextRemodelMs(): number | undefined {
    return this.deferred.nextDueMs();
  }

  pendingTraces(): { traces: number; sinceMs: number | undefined } {
    return this.deferred.pending();
  }

  /** Runs `body` in one immediate write transaction, keeping the trace writer's memory in step with its outcome. */
  private writeTraces<T>(body: () => T): T {
    const write = this.db.transaction((): T => {
      // One agent writes a store, but a restarted one may overlap the old for a moment: take in what another
      // connection wrote, under the write lock (an immediate transaction) so nothing comes in between.
      if (this.foreignCommits.happened()) {
        this.idIndex.catchUp(this.db);
        this.traceWriter.forgetOpenTraces();
      }
      return body();
    });
    let written: T;
    try {
      written = write.immediate();
    } catch (error) {
      this.traceWriter.rolledBack();
      throw error;
    }
    this.traceWriter.committed();
    this.idIndex.flushIfDue();
    if (this.worker?.walLong(this.walRestartFrames)) setImmediate(() => this.copyWal());
    return written;
  }

  /**
   * The worker's checkpoints leave little to copy: copying it on this connection, between two writes, lets the
   * next write start the WAL over, as none of the worker's can while writes keep coming. It runs once the write's
   * senders are answered: its fsync took 9–39 ms, which the requests of that write waited for.
   */
  private copyWal(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Nothing is lost: the worker's checkpoints go on, and the next long WAL asks again.
    }
  }

  /** The pattern index's entries for the traces whose runs were re-derived, and for those that gained logs. */
  private refreshTemplateRuns(traces: TraceWriteResult, logTraces: ReadonlySet<string>, templateOf: TemplateOf): void {
    // A trace that lost a run to another drops that run's pattern entries first: the run's new trace gives them.
    for (const traceId of traces.leftTraces) if (!traces.runsByTrace.has(traceId)) this.templateRuns.refresh(traceId, templateOf);
    for (const [traceId, { runs, hadRuns }] of traces.runsByTrace) {
      if (!logTraces.has(traceId)) this.templateRuns.refreshRuns(traceId, runs, hadRuns, templateOf);
    }
    for (const traceId of logTraces) {
      // A trace re-derived in this same batch hands over its runs rather than have them read back.
      this.templateRuns.refresh(traceId, templateOf, traces.runsByTrace.get(traceId)?.runs);
    }
  }

  recordTemplateHits(hits: TemplateHit[]): void {
    if (hits.length === 0) return;
    this.db.transaction(() => {
      for (const hit of hits) {
        this.statements.upsertTemplate.run(hit.templateId, hit.template, hit.timeMs, hit.timeMs, hit.severity);
      }
    })();
  }

  saveMinerState(rows: readonly { id: string }[]): void {
    this.db.transaction(() => {
      this.statements.clearClusters.run();
      for (const row of rows) this.statements.insertCluster.run(row.id, JSON.stringify(row));
    })();
  }

  loadMinerState(): unknown[] {
    return this.statements.clusters.all().map((row) => JSON.parse(row.state) as unknown);
  }

  runs(query: RunQuery): RunRecord[] {
    return this.selectRuns(query).map((row) => runFromRow(row, (id) => this.resources.attributesOf(id)));
  }

  workflowsWithRuns(query: { fromMs: number; toMs: number }): string[] {
    const range = runsInRange(query);
    return this.db.prepare(`SELECT DISTINCT workflow FROM ${range.from} WHERE ${range.where}`).pluck().all(...range.params) as string[];
  }

  workflowAggregates(query: { fromMs: number; toMs: number; workflow?: string; slices?: number }): WorkflowAggregate[] {
    return this.aggregator.aggregate(query);
  }

  runOutcomes(query: RunOutcomeQuery): RunOutcomes[] {
    // The windows nest (all end at toMs): each run is counted once, in the narrowest window holding it, and each
    // wider window adds the narrower ones' counts.
    const widths = [...new Set(query.windowsMs)].sort((a, b) => a - b);
    const widestMs = widths[widths.length - 1]!;
    // A run counts where it ends but is indexed where it starts: the runs read start as early as any stored run, so
    // one that began long before the window (a Temporal workflow running for weeks) counts when it ends in it. Those
    // that started in the window and those before are two ranges, each read with a seek per hour while it can be.
    const fromMs = query.toMs - widestMs;
    const oldestMs = this.statements.oldestStart.get() ?? fromMs;
    const ranges = [runsInRange({ workflow: query.workflow, fromMs, toMs: query.toMs })];
    if (oldestMs < fromMs) {
      const before = runsInRange({ workflow: query.workflow, fromMs: oldestMs, toMs: fromMs });
      ranges.push({ ...before, where: `${before.where} AND start_ms < @from` });
    }
    const decided = ['success', ...FAILED_STATUSES];
    const rows = this.prepared<unknown[], (number | null)[]>(
      `SELECT CASE ${widths.map((_, i) => `WHEN end_ms > @from${i} THEN ${i}`).join(' ')} END AS narrowest, count(*),
        count(CASE WHEN good THEN 1 END), count(CASE WHEN status != 'success' THEN 1 END),
        min(CASE WHEN NOT good THEN end_ms END), max(CASE WHEN NOT good THEN end_ms END), max(end_ms)
      FROM (${ranges
        .map(
          (range) => `SELECT end_ms, status, status = 'success' AND (@max IS NULL OR duration_ms <= @max) AS good
            FROM ${range.from}
            WHERE ${range.where} AND end_ms <= @to AND end_ms > @from AND status IN (${decided.map(() => '?').join(', ')})`,
        )
        .join(' UNION ALL ')})
      GROUP BY narrowest`,
    )
      .raw()
      .all(...ranges.flatMap((range) => [...range.params, ...decided]), {
        ...Object.fromEntries(widths.map((ms, i) => [`from${i}`, query.toMs - ms])),
        from: fromMs,
        to: query.toMs,
        max: query.maxDurationMs ?? null,
      });
    const byWidth = new Map<number, RunOutcomes>();
    let counted: RunOutcomes = { runs: 0, goodRuns: 0, failedRuns: 0 };
    widths.forEach((width, i) => {
      const [, runs = 0, goodRuns = 0, failedRuns = 0, firstBadMs, lastBadMs, lastMs] = rows.find((row) => row[0] === i) ?? [];
      // The narrower windows hold the newer runs.
      counted = {
        runs: counted.runs + runs!,
        goodRuns: counted.goodRuns + goodRuns!,
        failedRuns: counted.failedRuns + failedRuns!,
        firstBadMs: firstBadMs ?? counted.firstBadMs,
        lastBadMs: counted.lastBadMs ?? lastBadMs ?? undefined,
        lastMs: counted.lastMs ?? lastMs ?? undefined,
      };
      byWidth.set(width, counted);
    });
    return query.windowsMs.map((width) => byWidth.get(width)!);
  }

  /**
   * A statement prepared once per text: queries whose text varies with their parameters (the number of SLO windows,
   * a workflow's hours sought or scanned) take a few forms, each prepared the first time (tens of microseconds each
   * pass otherwise).
   */
  private prepared<P extends unknown[], R>(sql: string): Statement<P, R> {
    let statement = this.preparedByText.get(sql);
    if (!statement) this.preparedByText.set(sql, (statement = this.db.prepare(sql)));
    return statement as Statement<P, R>;
  }

  private selectRuns(query: RunQuery): RunRow[] {
    const range = runsInRange(query);
    const where = [range.where];
    const params = range.params;
    if (query.statuses) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      params.push(...query.statuses);
    }
    if (query.runId !== undefined) {
      where.push('run_id = ?');
      params.push(query.runId);
    }
    const limit = query.limit ? `LIMIT ${Math.floor(query.limit)}` : '';
    return this.db
      .prepare<unknown[], RunRow>(`SELECT ${RUN_COLUMNS} FROM ${range.from} WHERE ${where.join(' AND ')} ORDER BY start_ms DESC ${limit}`)
      .raw()
      .all(...params);
  }

  run(id: string): RunRecord | undefined {
    return this.traceWriter.run(id);
  }

  runsByIds(ids: readonly string[]): Pick<RunRecord, 'id' | 'runId' | 'workflow' | 'status' | 'startMs'>[] {
    const wanted = new Set(ids);
    const seqs = [...wanted].flatMap((id) => this.idIndex.seqs(IdKind.run, id));
    if (seqs.length === 0) return [];
    // One read for all the rows, by row number (the id index's), their numbers as one JSON parameter: no limit on
    // how many. An entry may name a row of another id (id-index.ts): only the rows carrying a wanted id are kept.
    const rows = this.prepared<[string], [string, string, string, string, number]>(
      'SELECT id, run_id, workflow, status, start_ms FROM runs WHERE seq IN (SELECT value FROM json_each(?))',
    )
      .raw()
      .all(JSON.stringify(seqs));
    return rows
      .filter(([id]) => wanted.has(id))
      .map(([id, runId, workflow, status, startMs]) => ({ id, runId, workflow, status: status as RunRecord['status'], startMs }));
  }

  spansRefused(traceId: string): number {
    return this.traceWriter.spansRefused(traceId);
  }

  logsOfTrace(traceId: string, limit: number): StoredLog[] {
    return this.statements.logsOfTrace.all(traceId, limit).map((row) => ({
      timeMs: row.time_ms,
      severityNumber: row.severity_number,
      severityText: row.severity_text,
      body: row.body,
      spanId: row.span_id,
      templateId: row.template_id,
    }));
  }

  hasWorkflow(name: string): boolean {
    // Newest hour first, a seek per hour that has runs: a workflow that ran lately is found at once, and an
    // unknown name costs a seek per hour kept instead of a scan of the whole index (80 MB at a million runs).
    const { hourBefore, workflowInHour } = this.statements;
    for (let hour = hourBefore.get(Number.MAX_SAFE_INTEGER); hour !== undefined; hour = hourBefore.get(hour)) {
      if (workflowInHour.get(hour, name) !== undefined) return true;
    }
    return false;
  }

  lastRunByWorkflow(): [string, number][] {
    return this.statements.lastRuns.all(Date.now()).map((row) => [row.workflow, row.end]);
  }

  latestEventMs(): number | undefined {
    return this.statements.latestEnd.get(Date.now())?.end ?? undefined;
  }

  patterns(query: PatternQuery): PatternRow[] {
    const where = ['r.last_ms >= ?', 'r.first_ms <= ?'];
    const params: unknown[] = [query.fromMs, query.toMs];
    if (query.workflow) {
      where.push('r.workflow = ?');
      params.push(query.workflow);
    }
    if (query.step) {
      where.push('r.step = ?');
      params.push(query.step);
    }
    if (query.minSeverity) {
      where.push('r.max_severity >= ?');
      params.push(query.minSeverity);
    }
    // Templates of log records attached to no run (no trace, or a trace that is no run's) have no rows of runs at
    // all: they come from the templates themselves when nothing asks for a workflow or step, with their count over
    // all time (the logs hold no count per range without reading them) and their newest line as example (found
    // through the time index: it was logged at the template's last time). A template of runs is never one of them,
    // even in a range where it did not occur.
    const unattached =
      query.workflow || query.step
        ? ''
        : `UNION ALL
           SELECT t.id, t.template, t.count, t.first_ms, t.last_ms, t.max_severity, '[]', '[]',
             json_array((SELECT l.body FROM logs l WHERE l.time_ms = t.last_ms AND l.template_id = t.id LIMIT 1))
           FROM templates t
           WHERE t.last_ms >= ? AND t.first_ms <= ?${query.minSeverity ? ' AND t.max_severity >= ?' : ''}
             AND NOT EXISTS (SELECT 1 FROM template_runs r WHERE r.template_id = t.id)`;
    // "Since when" is the pattern's first occurrence in the data kept (in the workflow or step asked for), though
    // its count is the range's: a range that begins after it must not make an old pattern look new.
    const firstOccurrence = `SELECT min(a.first_ms) FROM template_runs a WHERE a.template_id = r.template_id${query.workflow ? ' AND a.workflow = @workflow' : ''}${query.step ? ' AND a.step = @step' : ''}`;
    const unattachedParams = unattached ? [query.fromMs, query.toMs, ...(query.minSeverity ? [query.minSeverity] : [])] : [];
    const rows = this.db
      .prepare(
        `SELECT r.template_id AS id, t.template AS template, sum(r.count) AS count, (${firstOccurrence}) AS first_ms,
           max(r.last_ms) AS last_ms, max(r.max_severity) AS max_severity,
           json_group_array(DISTINCT r.workflow) AS workflows, json_group_array(DISTINCT r.step) AS steps,
           json_group_array(DISTINCT r.example) AS examples
         FROM template_runs r JOIN templates t ON t.id = r.template_id
         WHERE ${where.join(' AND ')} GROUP BY r.template_id
         ${unattached}
         ORDER BY count DESC LIMIT ?`,
      )
      .all(...params, ...unattachedParams, query.limit, { workflow: query.workflow, step: query.step }) as { id: string; template: string; count: number; first_ms: number; last_ms: number; max_severity: number; workflows: string; steps: string; examples: string }[];
    return rows.map((row) => ({
      id: row.id,
      template: row.template,
      count: row.count,
      firstMs: row.first_ms,
      lastMs: row.last_ms,
      maxSeverity: row.max_severity,
      workflows: JSON.parse(row.workflows) as string[],
      steps: (JSON.parse(row.steps) as string[]).filter(Boolean),
      examples: (JSON.parse(row.examples) as (string | null)[]).filter((e): e is string => e !== null).slice(0, 3),
    }));
  }

  runsOfPattern(templateId: string, limit: number) {
    return this.statements.runsOfPattern.all(this.currentTemplateId(templateId), limit).map((row) => ({
      runId: row.run_id,
      workflow: row.workflow,
      step: row.step,
      count: row.count,
    }));
  }

  currentTemplateId(templateId: string): string {
    // Merges keep aliases one hop deep (`template-merges.ts`).
    return this.statements.templateAlias.get(templateId) ?? templateId;
  }

  applyFindings(candidates: FindingCandidate[], nowMs: number, cleared: (finding: Finding) => Cleared) {
    return this.findingTable.apply(candidates, nowMs, cleared);
  }

  keptResolved(candidates: readonly FindingCandidate[]): Set<string> {
    return this.findingTable.keptResolved(candidates);
  }

  findings(query: FindingQuery): Finding[] {
    return this.findingTable.list(query);
  }

  finding(id: string): Finding | undefined {
    return this.findingTable.get(id);
  }

  setFindingStatus(id: string, status: FindingStatus, by: string, atMs: number, note?: string) {
    return this.findingTable.setStatus(id, status, by, atMs, note);
  }

  saveSession(id: string, workflow: string, createdMs: number, body: unknown): void {
    this.statements.saveSession.run(id, workflow, createdMs, JSON.stringify(body));
  }

  session(id: string) {
    const row = this.statements.session.get(id);
    return row ? { id: row.id, workflow: row.workflow, createdMs: row.created_ms, body: JSON.parse(row.body) as unknown } : undefined;
  }

  pruneChunk(cutoffMs: number): number {
    return this.db.transaction(() => {
      const { pruneRuns, pruneChunks, deleteRun, deleteChunk, prune } = this.statements;
      const runs = pruneRuns.all(hourOf(cutoffMs), cutoffMs, PRUNE_CHUNK);
      for (const row of runs) {
        deleteRun.run(row.seq);
        this.aggregator.changed(row.start_ms);
        this.idIndex.remove(IdKind.traceRun, row.trace_id, row.seq);
        this.idIndex.remove(IdKind.run, row.id, row.seq);
      }
      const chunks = pruneChunks.all(cutoffMs, PRUNE_CHUNK);
      const traces = new Set<string>();
      for (const row of chunks) {
        deleteChunk.run(row.id);
        this.idIndex.remove(IdKind.traceChunk, row.trace_id, row.id);
        traces.add(row.trace_id);
      }
      // A long workflow's oldest spans may go while it runs on: its runs are still re-derived from the rest.
      for (const traceId of traces) {
        if (this.hasSpans(traceId)) this.traceWriter.partlyPruned(traceId);
        else this.traceWriter.pruned(traceId);
      }
      let deleted = runs.length + chunks.length + this.findingTable.expire(cutoffMs, Date.now(), PRUNE_CHUNK);
      for (const statement of prune) deleted += statement.run(cutoffMs, PRUNE_CHUNK).changes;
      return deleted;
    })();
  }

  /** Whether a span chunk of the trace is stored (the id index may still name deleted ones). */
  private hasSpans(traceId: string): boolean {
    return this.idIndex.seqs(IdKind.traceChunk, traceId).some((seq) => this.statements.chunkTrace.get(seq)?.trace_id === traceId);
  }

  sizeBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return pages * pageSize;
  }

  async close(): Promise<void> {
    await this.idIndex.close();
    await this.worker?.stop();
    this.db.close();
  }
}
