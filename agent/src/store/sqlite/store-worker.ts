import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DELETE } from './id-index.js';

/**
 * Inserts and deletes of `id-index.ts` entries, to apply in order, as flat [key, kind, seq, …] triples (keys are
 * below 2^52, exact in a double; a delete's kind is the entry's plus DELETE), and the high-water marks to set.
 */
export interface IdBatch {
  ops: Float64Array<ArrayBuffer>;
  marks: [string, number][];
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const store = new Database(workerData.storePath, { fileMustExist: true });
store.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    const [{ log }] = store.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ walFrames: log });
  } catch {}
};
const timer = setInterval(checkpoint, workerData.checkpointMs);
let write;
function idWriter() {
  // Prepared on the first batch: the id file's tables are made by the index that opens it.
  const ids = new Database(workerData.idsPath, { fileMustExist: true });
  ids.pragma('busy_timeout = 5000');
  const insert = ids.prepare('INSERT OR IGNORE INTO id_index (key, kind, seq) VALUES (?, ?, ?)');
  const remove = ids.prepare('DELETE FROM id_index WHERE key = ? AND kind = ? AND seq = ?');
  const mark = ids.prepare('INSERT OR REPLACE INTO marks (name, value) VALUES (?, ?)');
  const run = ids.transaction(({ ops, marks }) => {
    for (let i = 0; i < ops.length; i += 3) {
      if (ops[i + 1] < workerData.deleteFlag) insert.run(ops[i], ops[i + 1], ops[i + 2]);
      else remove.run(ops[i], ops[i + 1] - workerData.deleteFlag, ops[i + 2]);
    }
    for (const [name, value] of marks) mark.run(name, value);
  });
  return { run, close: () => ids.close() };
}
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    checkpoint();
    store.close();
    write?.close();
    parentPort.close();
    return;
  }
  let error;
  try {
    write ??= idWriter();
    write.run(message.batch);
  } catch (e) {
    error = e.message;
  }
  parentPort.postMessage({ id: message.id, error });
});
`;

/**
 * The store's background thread, with connections of its own:
 * - copies the WAL back into the store every 100 ms, instead of SQLite's automatic checkpoint inside a
 *   committing transaction: its writes and fsync then run on another core rather than on the event loop that
 *   answers senders (measured: about a third more spans per second). Every half second, as before, was too
 *   seldom for a checkpoint to end between two commits at 25,000 spans/s: the WAL grew by 20 MB a second
 *   (331 MB in 17 s, against 34–63 MB now), and past that rate the store finishes the job (`walLong`);
 * - writes batches of id entries to the id file (`id-index.ts`), a database of its own, so they take neither
 *   the store's write lock nor time on the event loop (a batch of tens of thousands of entries took 60–160 ms,
 *   which every request arriving meanwhile waited for).
 */
export class StoreWorker {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  /** Frames in the WAL at the last checkpoint, until `walLong` has been answered yes. */
  private walFrames = 0;

  constructor(storePath: string, idsPath: string, checkpointMs = 100) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { storePath, idsPath, module, checkpointMs, deleteFlag: DELETE } });
    this.worker.on('message', (message: { id: number; error?: string } | { walFrames: number }) => {
      if ('walFrames' in message) {
        this.walFrames = message.walFrames;
        return;
      }
      const { id, error } = message;
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      // Referenced only while a batch is on its way, so an idle agent can still exit.
      if (this.waiting.size === 0) this.worker.unref();
      if (error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(`id file: ${error}`));
    });
    this.worker.unref();
  }

  /**
   * Whether the WAL passed `frames` at the last checkpoint; yes once per checkpoint. Under steady writes the
   * checkpoints here never finish with nothing left to copy (a commit always lands during one), and SQLite
   * starts the WAL over only after one has: it grew by the gigabyte, and the first write after a busy spell
   * waited for it to be cut back (0.8 s after 1M spans).
   */
  walLong(frames: number): boolean {
    if (this.walFrames <= frames) return false;
    this.walFrames = 0;
    return true;
  }

  /** Resolves once the batch is committed. */
  writeIds(batch: IdBatch): Promise<void> {
    const id = this.nextId++;
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch }, [batch.ops.buffer]);
    });
  }

  /** Runs a last checkpoint and ends the thread, after the batches already sent. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage('stop');
    });
  }
}
