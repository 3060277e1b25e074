import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations/index.js';

/**
 * Opens (creating if needed) the SQLite file with the settings the ingest path relies on: WAL so readers never
 * block the writer, synchronous=NORMAL (durable across a process crash, which is what acknowledging a batch
 * promises; not across power loss), and a busy timeout for the API's readers.
 */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw new StoreOpenError(`cannot open the store at ${path}: ${(error as Error).message}`);
  }
  db.pragma('synchronous = NORMAL');
  // Checkpoints run in a worker (store-worker.ts), off the write path; the WAL file is cut back after each.
  db.pragma(`wal_autocheckpoint = ${path === ':memory:' ? 1000 : 0}`);
  db.pragma('journal_size_limit = 67108864');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -16000');
  db.pragma('temp_store = MEMORY');
  try {
    migrate(db);
  } catch (error) {
    // A store from a newer FlowLens, or one that cannot be brought up to date (locked, full, read-only).
    db.close();
    throw new StoreOpenError(`cannot open the store at ${path}: ${(error as Error).message}`);
  }
  return db;
}

/** The store file cannot be created or opened (missing permission, read-only or full filesystem). */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}
