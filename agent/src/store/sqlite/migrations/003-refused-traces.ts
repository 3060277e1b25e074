import type { Migration } from './index.js';

/** Traces that reached `otlp.maxSpansPerTrace`, and how many of their spans were refused (`refused-traces.ts`). */
export const migration003: Migration = {
  version: 3,
  description: 'traces past their span limit',
  up(db) {
    db.exec('CREATE TABLE refused_traces (trace_id TEXT PRIMARY KEY, spans INTEGER NOT NULL) WITHOUT ROWID;');
  },
};
