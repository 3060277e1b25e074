import type { Migration } from './index.js';

/** Spans (by trace) and log records as received, the workflow model derived from them, templates, findings and sessions. */
export const migration001: Migration = {
  version: 1,
  description: 'initial schema',
  up(db) {
    db.exec(`
      CREATE TABLE resources (
        id INTEGER PRIMARY KEY,
        attributes TEXT NOT NULL UNIQUE
      );
      -- Spans as received, one row per trace and request (and resource): the workflow model is re-derived from
      -- all spans of a trace, never queried span by span, and a row per span cost ingest most of its time.
      -- Rows are found by trace through id-index.ts, which also numbers them (never the same number twice).
      CREATE TABLE span_chunks (
        id INTEGER PRIMARY KEY,
        trace_id TEXT NOT NULL,
        resource_id INTEGER NOT NULL,
        end_ms REAL NOT NULL,
        spans BLOB NOT NULL
      );
      CREATE INDEX span_chunks_by_end ON span_chunks (end_ms);

      -- Runs are found by id and by trace through id-index.ts.
      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        workflow TEXT NOT NULL,
        runner TEXT NOT NULL,
        run_id TEXT NOT NULL,
        status TEXT NOT NULL,
        start_ms REAL NOT NULL,
        end_ms REAL NOT NULL,
        duration_ms REAL NOT NULL,
        queue_ms REAL,
        attempt INTEGER,
        error_type TEXT,
        error_message TEXT,
        -- When set, the run's attributes are this resource's plus those in attributes (codec.ts).
        resource_id INTEGER,
        attributes TEXT NOT NULL,
        steps TEXT NOT NULL
      );
      -- The one index on runs, hour of start first: new runs land in the small region of the current hours
      -- whatever the number of workflows (an index led by the workflow takes them into a page each), a
      -- workflow's time range is read with a seek per hour (run-hours.ts), and it holds every column the
      -- workflow figures read (workflow-aggregator.ts). Each further index cost inserts 40 % more (measured).
      CREATE INDEX runs_by_hour_workflow ON runs (CAST(start_ms / 3600000 AS INTEGER), workflow, start_ms, end_ms, status, duration_ms, runner);

      CREATE TABLE logs (
        id INTEGER PRIMARY KEY,
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        time_ms REAL NOT NULL,
        severity_number INTEGER NOT NULL,
        severity_text TEXT NOT NULL,
        body TEXT NOT NULL,
        body_hash INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        resource_id INTEGER NOT NULL,
        template_id TEXT
      );
      CREATE UNIQUE INDEX logs_dedupe ON logs (time_ms, trace_id, span_id, body_hash);
      CREATE INDEX logs_by_trace ON logs (trace_id) WHERE trace_id != '';
      CREATE INDEX logs_by_time ON logs (time_ms);

      CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        template TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        first_ms REAL,
        last_ms REAL,
        max_severity INTEGER NOT NULL DEFAULT 0
      );
      -- The template miner's clusters as explicit, versioned rows, so templates keep their ids across restarts;
      -- rowid keeps the miner's order (least recently used first), which decides what its cap drops first.
      CREATE TABLE template_clusters (
        id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL
      );
      -- Retired template ids and the template that took their place (log records keep the id they were stored with).
      CREATE TABLE template_aliases (
        from_id TEXT PRIMARY KEY,
        to_id TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Which runs and steps a template occurred in (error messages of runs, and logs attached to runs).
      CREATE TABLE template_runs (
        template_id TEXT NOT NULL,
        trace_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        step TEXT NOT NULL,
        workflow TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_ms REAL NOT NULL,
        last_ms REAL NOT NULL,
        max_severity INTEGER NOT NULL,
        example TEXT NOT NULL,
        PRIMARY KEY (template_id, run_id, step)
      ) WITHOUT ROWID;
      CREATE INDEX template_runs_by_workflow ON template_runs (workflow, last_ms);
      CREATE INDEX template_runs_by_trace ON template_runs (trace_id);

      CREATE TABLE findings (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        workflow TEXT NOT NULL,
        workflows TEXT NOT NULL,
        severity TEXT NOT NULL,
        category TEXT NOT NULL,
        status TEXT NOT NULL,
        first_seen_ms REAL NOT NULL,
        last_seen_ms REAL NOT NULL,
        updated_ms REAL NOT NULL,
        clear_passes INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL
      );
      CREATE INDEX findings_by_status ON findings (status, last_seen_ms);
      CREATE INDEX findings_by_workflow ON findings (workflow, last_seen_ms);

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        workflow TEXT NOT NULL,
        created_ms REAL NOT NULL,
        body TEXT NOT NULL
      );

      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
