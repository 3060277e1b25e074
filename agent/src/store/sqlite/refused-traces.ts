import type { Database, Statement } from 'better-sqlite3';

/**
 * Traces that reached `otlp.maxSpansPerTrace`, with how many spans they were refused (each time one was sent): a
 * run of such a trace lacks the steps those spans held, which whoever looks at it must be told.
 */
export class RefusedTraces {
  private readonly add: Statement<[string, number]>;
  private readonly count: Statement<[string], number>;
  private readonly remove: Statement<[string]>;

  constructor(db: Database) {
    this.add = db.prepare('INSERT INTO refused_traces (trace_id, spans) VALUES (?, ?) ON CONFLICT (trace_id) DO UPDATE SET spans = spans + excluded.spans');
    this.count = db.prepare<[string], number>('SELECT spans FROM refused_traces WHERE trace_id = ?').pluck();
    this.remove = db.prepare('DELETE FROM refused_traces WHERE trace_id = ?');
  }

  /** Must run inside the write's transaction. */
  refused(traceId: string, spans: number): void {
    this.add.run(traceId, spans);
  }

  of(traceId: string): number {
    return this.count.get(traceId) ?? 0;
  }

  /** The trace's spans were deleted (retention). */
  forget(traceId: string): void {
    this.remove.run(traceId);
  }
}
