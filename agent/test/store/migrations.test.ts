import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/sqlite/migrations/index.js';
import { ID_FILE_SCHEMA } from '../../src/store/sqlite/id-index.js';
import { openDatabase } from '../../src/store/sqlite/open.js';
import { workflowHours } from '../../src/store/sqlite/run-hours.js';

describe('store migrations', () => {
  it('bring a fresh database to the newest version, and are idempotent', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['findings', 'logs', 'runs', 'span_chunks', 'template_runs', 'templates']));
  });

  it('refuse a database written by a newer FlowLens', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/newer FlowLens/);
  });

  it('refuse a list whose versions do not increase', () => {
    const db = new Database(':memory:');
    const m = MIGRATIONS[0]!;
    expect(() => migrate(db, [m, m])).toThrow(/strictly increase/);
  });

  it.each([
    ['spans past retention', 'SELECT id FROM span_chunks WHERE end_ms < ?', /span_chunks_by_end/],
    ['pattern hits of a trace', 'SELECT * FROM template_runs WHERE trace_id = ?', /template_runs_by_trace/],
    [
      'runs of a workflow in a time range, hour by hour',
      'SELECT * FROM runs INDEXED BY runs_by_hour_workflow WHERE CAST(start_ms / 3600000 AS INTEGER) IN (SELECT value FROM json_each(?)) AND workflow = ? AND start_ms >= ?',
      /runs_by_hour_workflow \(<expr>=\? AND workflow=\? AND start_ms>\?\)/,
    ],
    [
      'runs in a time range',
      'SELECT * FROM runs WHERE CAST(start_ms / 3600000 AS INTEGER) BETWEEN ? AND ? AND start_ms >= ? AND start_ms <= ?',
      /runs_by_hour_workflow \(<expr>>\? AND <expr><\?\)/,
    ],
    [
      'the figures of an hour of runs, from the index alone',
      'SELECT workflow, runner, status, start_ms, end_ms, duration_ms FROM runs WHERE CAST(start_ms / 3600000 AS INTEGER) = ?',
      /COVERING INDEX runs_by_hour_workflow \(<expr>=\?\)/,
    ],
    [
      'runs past retention',
      'SELECT seq, id, trace_id FROM runs WHERE CAST(start_ms / 3600000 AS INTEGER) <= ? AND end_ms < ? LIMIT ?',
      /SEARCH runs USING INDEX runs_by_hour_workflow \(<expr><\?\)/,
    ],
    ['the newest event time, from the index alone', 'SELECT max(end_ms) FROM runs WHERE end_ms <= ?', /COVERING INDEX runs_by_hour_workflow/],
    ['logs of a trace', "SELECT * FROM logs WHERE trace_id = ? AND trace_id != ''", /logs_by_trace/],
  ])('use an index for %s', (_what, sql, index) => {
    const db = openDatabase(':memory:');
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x')) as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(index);
  });
  it('read one workflow over a range too long to seek hour by hour (a session to the end of time) from the index', () => {
    const db = openDatabase(':memory:');
    const hours = workflowHours('deploy', Date.UTC(2026, 10, 1), Number.MAX_SAFE_INTEGER);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM runs INDEXED BY runs_by_hour_workflow WHERE ${hours.sql}`).all(...hours.params) as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH runs USING INDEX runs_by_hour_workflow \(<expr>>\? AND <expr><\?\)/);
  });

  it('find id entries by key and kind through the id file primary key', () => {
    const db = new Database(':memory:');
    db.exec(ID_FILE_SCHEMA);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT seq FROM id_index WHERE key = ? AND kind = ?').all(1, 0) as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING PRIMARY KEY \(key=\? AND kind=\?\)/);
  });
});
