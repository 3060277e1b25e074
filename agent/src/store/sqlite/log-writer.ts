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

/**
 * Stores log records with their template; a re-sent record is ignored. A re-send says all the same things: the
 * unique key is time, trace and span id, and `body_hash`, which (despite its name, kept from the first schema)
 * hashes all the rest a record says: body, severity, attributes, resource, scope and observed time. Two pods
 * logging the same line in the same millisecond are two records.
 */
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
      const attributes = JSON.stringify(record.attributes);
      const resourceId = this.resources.idOf(record.resource);
      const changes = this.insert.run(
        record.traceId,
        record.spanId,
        record.timeMs || record.observedTimeMs,
        record.severityNumber,
        record.severityText,
        record.body,
        hashText(`${record.severityNumber}\u0000${record.severityText}\u0000${record.observedTimeMs}\u0000${resourceId}\u0000${record.scopeName}\u0000${attributes}\u0000${record.body}`),
        attributes,
        resourceId,
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
