import type { Migration } from './index.js';

/** Traces whose spans are stored but whose runs are not yet re-derived from them (`deferred-traces.ts`). */
export const migration002: Migration = {
  version: 2,
  description: 'traces awaiting their runs',
  up(db) {
    db.exec('CREATE TABLE stale_traces (trace_id TEXT PRIMARY KEY) WITHOUT ROWID;');
  },
};
