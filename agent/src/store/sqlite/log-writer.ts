import type { Database, Statement } from 'better-sqlite3';
import type { OtlpLogRecord } from '../../model/otlp.js';
import { hashText } from './codec.js';
import type { ResourceTable } from './resources.js';

export interface LogWriteResult {
  accepted: number;
  duplicates: number;
  inserted: number[];
  /** Traces that gained log records, for attaching them to runs. */
  traces: Set<string>;
}

/** Stores log records with their template; a re-sent record (same time, ids and body) is ignored. */
export class LogWriter {
  private readonly insert: Statement<unknown[]>;

  constructor(
    db: Database,
    private readonly resources: ResourceTable,
  ) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO logs (trace_id, span_id, time_ms, severity_number, severity_text, body, body_hash,
         attributes, resource_id, template_id) VALUES (?,?,?,?,?,?,?,?,?,?)`,
    );
  }

  /** Must run inside the caller's write transaction. `templateIds[i]` is the template of `records[i]`. */
  write(records: readonly OtlpLogRecord[], templateIds: readonly (string | undefined)[]): LogWriteResult {
    const result: LogWriteResult = { accepted: 0, duplicates: 0, inserted: [], traces: new Set() };
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const changes = this.insert.run(
        record.traceId,
        record.spanId,
        record.timeMs || record.observedTimeMs,
        record.severityNumber,
        record.severityText,
        record.body,
        hashText(record.body),
        JSON.stringify(record.attributes),
        this.resources.idOf(record.resource),
        templateIds[i] ?? null,
      ).changes;
      if (changes === 0) {
        result.duplicates++;
        continue;
      }
      result.accepted++;
      result.inserted.push(i);
      if (record.traceId) result.traces.add(record.traceId);
    }
    return result;
  }
}
