import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The id file: entries of `id-index.ts` and the high-water marks of the rows they cover. */
export const ID_FILE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS id_index (
    key INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, kind, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS marks (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/** Entries as flat [key, kind, seq, key, kind, seq, …] triples: keys are below 2^52, exact in a double. */
export interface IdBatch {
  inserts: Float64Array<ArrayBuffer>;
  deletes: Float64Array<ArrayBuffer>;
  marks: [string, number][];
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT OR IGNORE INTO id_index (key, kind, seq) VALUES (?, ?, ?)');
const remove = db.prepare('DELETE FROM id_index WHERE key = ? AND kind = ? AND seq = ?');
const mark = db.prepare('INSERT OR REPLACE INTO marks (name, value) VALUES (?, ?)');
const write = db.transaction(({ inserts, deletes, marks }) => {
  for (let i = 0; i < inserts.length; i += 3) insert.run(inserts[i], inserts[i + 1], inserts[i + 2]);
  for (let i = 0; i < deletes.length; i += 3) remove.run(deletes[i], deletes[i + 1], deletes[i + 2]);
  for (const [name, value] of marks) mark.run(name, value);
});
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let error;
  try {
    write(message.batch);
  } catch (e) {
    error = e.message;
  }
  parentPort.postMessage({ id: message.id, error });
});
`;

/**
 * Writes id entries to the id file from a worker thread with its own connection. The id file is a database of
 * its own, so these writes take neither the store's write lock nor time on the event loop: a batch of tens of
 * thousands of entries took 60–160 ms, which every request arriving meanwhile waited for.
 */
export class IdWriter {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(path: string) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module } });
    this.worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) this.worker.unref();
      if (error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(`id file: ${error}`));
    });
    this.worker.unref();
  }

  /** Resolves once the batch is committed. */
  write(batch: IdBatch): Promise<void> {
    const id = this.nextId++;
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch }, [batch.inserts.buffer, batch.deletes.buffer]);
    });
  }

  /** Ends the worker after the batches already sent. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage('close');
    });
  }
}
