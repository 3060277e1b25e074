import type { Database, Statement } from 'better-sqlite3';
import type { TemplateMerge } from '../store.js';

/**
 * Re-keys what was counted under a retired template id to the template that replaced it: counts and runs move
 * and add up; log records keep their id and are resolved through the alias table.
 */
export class TemplateMerges {
  private readonly statements: Statement<[TemplateMerge]>[];

  constructor(db: Database) {
    this.statements = [
      // Aliases that pointed at the retired id now point at its successor, so chains stay one hop.
      `UPDATE template_aliases SET to_id = @to WHERE to_id = @from`,
      `INSERT OR REPLACE INTO template_aliases (from_id, to_id) VALUES (@from, @to)`,
      `INSERT INTO templates (id, template, count, first_ms, last_ms, max_severity)
         SELECT @to, template, count, first_ms, last_ms, max_severity FROM templates WHERE id = @from
         ON CONFLICT (id) DO UPDATE SET count = templates.count + excluded.count,
           first_ms = min(templates.first_ms, excluded.first_ms), last_ms = max(templates.last_ms, excluded.last_ms),
           max_severity = max(templates.max_severity, excluded.max_severity)`,
      `DELETE FROM templates WHERE id = @from`,
      `INSERT INTO template_runs (template_id, trace_id, run_id, step, workflow, count, first_ms, last_ms, max_severity, example)
         SELECT @to, trace_id, run_id, step, workflow, count, first_ms, last_ms, max_severity, example FROM template_runs WHERE template_id = @from
         ON CONFLICT (template_id, run_id, step) DO UPDATE SET count = template_runs.count + excluded.count,
           first_ms = min(template_runs.first_ms, excluded.first_ms), last_ms = max(template_runs.last_ms, excluded.last_ms),
           max_severity = max(template_runs.max_severity, excluded.max_severity)`,
      `DELETE FROM template_runs WHERE template_id = @from`,
    ].map((sql) => db.prepare<[TemplateMerge]>(sql));
  }

  /** Must run inside the caller's write transaction. */
  apply(merges: readonly TemplateMerge[]): void {
    for (const merge of merges) {
      if (merge.from === merge.to) continue;
      for (const statement of this.statements) statement.run({ from: merge.from, to: merge.to });
    }
  }
}
