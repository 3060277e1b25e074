import type { Database } from 'better-sqlite3';
import { migration001 } from './001-initial.js';
import { migration002 } from './002-stale-traces.js';
import { migration003 } from './003-refused-traces.js';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

/** Ordered; versions strictly increase. A new schema change is a new numbered file appended here. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];

/**
 * Brings the database to the newest version in one transaction per run (SIG's pattern): refuses a database
 * written by newer code, so an older agent never corrupts it.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) {
      throw new Error(`migration versions must strictly increase (${migrations[i - 1]!.version} then ${migrations[i]!.version})`);
    }
  }
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`the store was written by a newer FlowLens (schema ${current}, this version knows up to ${latest})`);
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
  db.pragma('optimize');
  return latest;
}
