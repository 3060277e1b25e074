import type { Database, Statement } from 'better-sqlite3';
import type { TemplateMerge } from '../store.js';

/**
 * Re-keys what was counted under a retired template id to the template that replaced it: counts and runs move
 * and add up; log records keep their id and are resolved through the alias table.
 */
export class TemplateMerges {
  private readonly statements: Statement<[string, string]>[];

  constructor(db: Database) {
    this.statements = [
      // Aliases that pointed at the retired id now point at its successor, so chains stay one hop.
      `UPDATE template_aliases SET to_id = ?2 WHERE to_id = ?1`,
      `INSERT OR REPLACE INTO template_aliases (from_id, to_id) VALUES (?1, ?2)`,
      `INSERT INTO templates (id, template, count, first_ms, last_ms, max_severity)
         SELECT ?2, template, count, first_ms, last_ms, max_severity FROM templates WHERE id = ?1
         ON CONFLICT (id) DO UPDATE SET count = templates.count + excluded.count,
           first_ms = min(templates.first_ms, excluded.first_ms), last_ms = max(templates.last_ms, excluded.last_ms),
           max_severity = max(templates.max_severity, excluded.max_severity)`,
      `DELETE FROM templates WHERE id = ?1`,
      `INSERT INTO template_runs (template_id, run_id, step, workflow, count, first_ms, last_ms, max_severity, example)
         SELECT ?2, run_id, step, workflow, count, first_ms, last_ms, max_severity, example FROM template_runs WHERE template_id = ?1
         ON CONFLICT (template_id, run_id, step) DO UPDATE SET count = template_runs.count + excluded.count,
           first_ms = min(template_runs.first_ms, excluded.first_ms), last_ms = max(template_runs.last_ms, excluded.last_ms),
           max_severity = max(template_runs.max_severity, excluded.max_severity)`,
      `DELETE FROM template_runs WHERE template_id = ?1`,
    ].map((sql) => db.prepare<[string, string]>(sql));
  }

  /** Must run inside the caller's write transaction. */
  apply(merges: readonly TemplateMerge[]): void {
    for (const { from, to } of merges) {
      if (from === to) continue;
      for (const statement of this.statements) statement.run(from, to);
    }
  }
}
