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
 * Brings the database to the newest version in one immediate transaction (SIG's pattern): refuses a database
 * written by newer code, so an older agent never corrupts it. The version is read again under the write lock,
 * since two agents opening a new store together both see version 0 at first: the second then finds the first's
 * migrations done instead of running them again.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) {
      throw new Error(`migration versions must strictly increase (${migrations[i - 1]!.version} then ${migrations[i]!.version})`);
    }
  }
  const latest = migrations.at(-1)?.version ?? 0;
  const current = () => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw new Error(`the store was written by a newer FlowLens (schema ${version}, this version knows up to ${latest})`);
    return version;
  };
  // Up to date, the usual case: no write lock taken.
  if (current() === latest) return latest;
  db.transaction(() => {
    const version = current();
    for (const migration of migrations) if (migration.version > version) migration.up(db);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  db.pragma('optimize');
  return latest;
}
