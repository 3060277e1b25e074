import type { Database, Statement } from 'better-sqlite3';
import { errorOrigins } from '../../query/error-origins.js';
import type { RunRecord } from '../../model/workflow.js';
import type { TemplateOf } from '../store.js';

/** Severity number given to a run's or step's error message (OTLP SeverityNumber ERROR). */
const ERROR_SEVERITY = 17;

interface Hit {
  templateId: string;
  runId: string;
  step: string;
  workflow: string;
  /** From the runs' and steps' errors, and from log records. */
  errors: number;
  lines: number;
  firstMs: number;
  lastMs: number;
  maxSeverity: number;
  example: string;
}

/**
 * Which runs and steps each template occurred in: recomputed per trace from its runs' error messages and its
 * log records, so it is the same whatever order spans and logs arrived in, and re-sends count nothing twice. A
 * step's error logged as it failed is one occurrence told twice (its span's status and its ERROR line): a run and
 * step count the more of the two, not their sum.
 */
export class TemplateRunIndex {
  private readonly logsOfTrace: Statement<[string], { span_id: string; time_ms: number; severity_number: number; body: string; template_id: string }>;
  private readonly clear: Statement<[string]>;
  private readonly hasLogs: Statement<[string], unknown>;
  private readonly insert: Statement<unknown[]>;

  constructor(
    db: Database,
    private readonly runsOfTrace: (traceId: string) => RunRecord[],
  ) {
    this.logsOfTrace = db.prepare(
      `SELECT l.span_id, l.time_ms, l.severity_number, l.body, coalesce(a.to_id, l.template_id) AS template_id
       FROM logs l LEFT JOIN template_aliases a ON a.from_id = l.template_id
       WHERE l.trace_id = ? AND l.template_id IS NOT NULL`,
    );
    this.clear = db.prepare('DELETE FROM template_runs WHERE trace_id = ?');
    this.hasLogs = db.prepare('SELECT 1 FROM logs WHERE trace_id = ? LIMIT 1');
    // A run belongs to the trace that derived it last: when one batch holds two traces with the same run, the
    // later one's entries replace the earlier's (a run moved between traces in earlier batches is cleared first).
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO template_runs (template_id, trace_id, run_id, step, workflow, count, first_ms, last_ms, max_severity, example)
       VALUES (?,?,?,?,?,?,?,?,?,?)`,
    );
  }

  /** After log records of the trace arrived. Must run inside the caller's write transaction. */
  refresh(traceId: string, templateOf: TemplateOf, runs?: readonly RunRecord[]): void {
    this.rebuild(traceId, runs ?? this.runsOfTrace(traceId), templateOf);
  }

  /**
   * After the trace's runs were re-derived: skipped, as most are, when the runs have no error, the trace no
   * log records, and nothing was indexed for it before.
   */
  refreshRuns(traceId: string, runs: readonly RunRecord[], hadRuns: boolean, templateOf: TemplateOf): void {
    if (!hadRuns && runs.every((run) => errorOrigins(run).length === 0) && this.hasLogs.get(traceId) === undefined) return;
    this.rebuild(traceId, runs, templateOf);
  }

  private rebuild(traceId: string, runs: readonly RunRecord[], templateOf: TemplateOf): void {
    this.clear.run(traceId);
    if (runs.length === 0) return;
    const hits = new Map<string, Hit>();
    const add = (templateId: string, runId: string, step: string, workflow: string, timeMs: number, severity: number, text: string, line: boolean) => {
      const key = `${templateId}\u0000${runId}\u0000${step}`;
      let hit = hits.get(key);
      if (!hit) {
        hit = { templateId, runId, step, workflow, errors: 0, lines: 0, firstMs: timeMs, lastMs: timeMs, maxSeverity: severity, example: text };
        hits.set(key, hit);
      }
      if (line) hit.lines++;
      else hit.errors++;
      hit.firstMs = Math.min(hit.firstMs, timeMs);
      hit.lastMs = Math.max(hit.lastMs, timeMs);
      hit.maxSeverity = Math.max(hit.maxSeverity, severity);
    };
    const owner = new Map<string, { runId: string; workflow: string; step: string }>();
    for (const run of runs) {
      if (run.spanId) owner.set(run.spanId, { runId: run.id, workflow: run.workflow, step: '' });
      for (const step of run.steps) {
        for (const spanId of step.spanIds) owner.set(spanId, { runId: run.id, workflow: run.workflow, step: step.name });
      }
      for (const origin of errorOrigins(run)) {
        add(templateOf(origin.message).templateId, run.id, origin.step?.name ?? '', run.workflow, origin.timeMs, ERROR_SEVERITY, origin.message, false);
      }
    }
    const fallback = runs.length === 1 ? { runId: runs[0]!.id, workflow: runs[0]!.workflow, step: '' } : undefined;
    for (const log of this.logsOfTrace.all(traceId)) {
      const where = owner.get(log.span_id) ?? fallback;
      if (where) add(log.template_id, where.runId, where.step, where.workflow, log.time_ms, log.severity_number, log.body, true);
    }
    for (const hit of hits.values()) {
      this.insert.run(hit.templateId, traceId, hit.runId, hit.step, hit.workflow, Math.max(hit.errors, hit.lines), hit.firstMs, hit.lastMs, hit.maxSeverity, hit.example);
    }
  }
}
