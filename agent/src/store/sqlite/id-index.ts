import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { IdBatch } from './store-worker.js';
import { KeyFilter } from './key-filter.js';
import { StoreOpenError } from './open.js';

/** What an entry finds: the span chunks of a trace, the runs of a trace, or a run by its id. */
export const IdKind = { traceChunk: 0, traceRun: 1, run: 2 } as const;
export type IdKind = (typeof IdKind)[keyof typeof IdKind];

/** Inserts and deletes kept in memory before they are written; the oldest after FLUSH_MS at the latest. */
const FLUSH_OPS = 30_000;
const FLUSH_MS = 1_000;
const MARKS = ['chunks', 'runs'] as const;
/** The id file's `user_version`: which rule (`keyOf`) its keys were made by. */
const KEY_RULE = 2;
/** Added to the kind of an op that deletes the entry (store-worker.ts). */
export const DELETE = 8;

/** The id file: the entries and the high-water marks of the rows they cover. */
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

type Entries = Map<string, number[]>[];
const noEntries = (): Entries => [new Map(), new Map(), new Map()];

/**
 * Finds span chunks and runs by trace id, and runs by run id, without a B-tree keyed by those random ids in the
 * store. Such an index takes each new row into a random page, and at commit every page touched is written out
 * whole to the WAL: a page written per row and index, most of the agent's ingest time (`docs/performance.md`).
 *
 * New entries are kept in memory and written together every second or so, so a page of the index is written
 * once per thousands of rows. They go to a database file of their own (`<store>.ids`), written by a worker
 * thread (`store-worker.ts`): not on the event loop, and not holding the store's write lock.
 *
 * Keys are 52 bits of the hex id (a safe integer, `keyOf`). An entry may point at a row that no longer carries
 * its id (another id with the same key, a row deleted or moved since, a number taken by a write that rolled
 * back): callers keep only the rows that carry the id. Rows are numbered here (`nextSeq`), above every number
 * given before, so the entries not yet written when the process died are those of the rows above the high-water
 * marks written with the entries, and are rebuilt from the store on open. The id file holds nothing else:
 * deleted, it is rebuilt the same way.
 * A store in memory keeps every entry in memory.
 */
export class IdIndex {
  private pending: Entries = noEntries();
  /** Entries handed to the writer and not yet committed by it. */
  private readonly writing = new Set<Entries>();
  /** What the writer is to do, in order, as flat [key, kind, seq, …] triples; a delete has DELETE added to its kind. */
  private ops: number[] = [];
  private lastFlushMs = performance.now();
  private highChunk = 0;
  private highRun = 0;
  private readonly file: { db: Database.Database; select: Statement<[number, number], number>; write: (batch: IdBatch) => Promise<void>; keys: KeyFilter } | undefined;

  /** `file`: the id file and how to write to it, or undefined for a store in memory. */
  constructor(store: Database.Database, file: { path: string; write: (batch: IdBatch) => Promise<void> } | undefined) {
    if (file !== undefined) {
      const { path } = file;
      let db: Database.Database;
      try {
        db = new Database(path);
        db.pragma('journal_mode = WAL');
        db.exec(ID_FILE_SCHEMA);
      } catch (error) {
        throw new StoreOpenError(`cannot open the store's id file at ${path}: ${(error as Error).message}`);
      }
      db.pragma('busy_timeout = 5000');
      if (db.pragma('user_version', { simple: true }) !== KEY_RULE) {
        // Entries keyed by another rule would never be found: start over, and rebuild them from the store below.
        db.exec('DELETE FROM id_index; DELETE FROM marks;');
        db.pragma(`user_version = ${KEY_RULE}`);
      }
      const marks = new Map(db.prepare<[], [string, number]>('SELECT name, value FROM marks').raw().all());
      this.highChunk = marks.get(MARKS[0]) ?? 0;
      this.highRun = marks.get(MARKS[1]) ?? 0;
      const select = db.prepare<[number, number], number>('SELECT seq FROM id_index WHERE key = ? AND kind = ?').pluck();
      const keys = new KeyFilter();
      for (const key of db.prepare<[], number>('SELECT key FROM id_index').pluck().iterate()) keys.add(key);
      this.file = { db, select, write: file.write, keys };
    }
    this.catchUp(store);
  }

  /** Row numbers filed under `id`, possibly with rows of other ids (see above). */
  seqs(kind: IdKind, id: string): number[] {
    const key = keyOf(id);
    // Every entry, on disk, pending or being written, has its key in the filter: most ids looked up are new.
    if (this.file !== undefined && !this.file.keys.mayHave(key)) return [];
    const found = this.file !== undefined ? this.file.select.all(key, kind) : [];
    const onDisk = found.length;
    const pending = this.pending[kind]!.get(id);
    if (pending) found.push(...pending);
    for (const entries of this.writing) {
      const writing = entries[kind]!.get(id);
      if (writing) found.push(...writing);
    }
    // Entries being written may already be on disk too.
    return onDisk > 0 && found.length > onDisk ? [...new Set(found)] : found;
  }

  /** The number for a new span chunk (`traceChunk`) or run row; taken by the `add` of its first entry. */
  nextSeq(kind: IdKind): number {
    return (kind === IdKind.traceChunk ? this.highChunk : this.highRun) + 1;
  }

  add(kind: IdKind, id: string, seq: number): void {
    this.put(kind, id, seq);
    if (kind === IdKind.traceChunk) this.highChunk = Math.max(this.highChunk, seq);
    else this.highRun = Math.max(this.highRun, seq);
    if (this.file) {
      // Kept ready to hand over, so that a flush costs the event loop nothing per entry.
      const key = keyOf(id);
      this.file.keys.add(key);
      this.ops.push(key, kind, seq);
    }
  }

  remove(kind: IdKind, id: string, seq: number): void {
    const map = this.pending[kind]!;
    const list = map.get(id);
    const at = list?.indexOf(seq) ?? -1;
    if (at !== -1) {
      list!.splice(at, 1);
      if (list!.length === 0) map.delete(id);
    }
    // In order with the inserts, so this also undoes an entry still pending.
    if (this.file) this.ops.push(keyOf(id), kind + DELETE, seq);
  }

  /** Hands the pending entries to the writer when there are many or the oldest has waited long. */
  flushIfDue(): void {
    const ops = this.ops.length / 3;
    if (ops >= FLUSH_OPS || (ops > 0 && performance.now() - this.lastFlushMs >= FLUSH_MS)) void this.flush();
  }

  /** Resolves once the entries pending now are committed; a failed batch goes back to pending, to be tried again. */
  async flush(): Promise<void> {
    this.lastFlushMs = performance.now();
    const file = this.file;
    if (!file) return;
    const entries = this.pending;
    const ops = this.ops;
    this.pending = noEntries();
    this.ops = [];
    this.writing.add(entries);
    try {
      await file.write({ ops: Float64Array.from(ops), marks: [[MARKS[0], this.highChunk], [MARKS[1], this.highRun]] });
    } catch {
      // A full disk, say: keep the entries in memory and write them with a later batch.
      for (const [kind, map] of entries.entries()) {
        for (const [id, seqs] of map) for (const seq of seqs) this.put(kind as IdKind, id, seq);
      }
      this.ops = ops.concat(this.ops);
    } finally {
      this.writing.delete(entries);
    }
  }

  private put(kind: IdKind, id: string, seq: number): void {
    const map = this.pending[kind]!;
    const list = map.get(id);
    if (list) list.push(seq);
    else map.set(id, [seq]);
  }

  /** Writes what is pending and closes the id file. */
  async close(): Promise<void> {
    await this.flush();
    this.file?.db.close();
  }

  /**
   * Adds the entries of the rows above the high-water marks: on open, those not written before the process died;
   * after another connection wrote to the store, its rows (and the numbers it used, so none is given twice).
   */
  catchUp(store: Database.Database): void {
    const chunks = store.prepare<[number], { id: number; trace_id: string }>('SELECT id, trace_id FROM span_chunks WHERE id > ?');
    for (const row of chunks.iterate(this.highChunk)) this.add(IdKind.traceChunk, row.trace_id, row.id);
    const runs = store.prepare<[number], { seq: number; id: string; trace_id: string }>('SELECT seq, id, trace_id FROM runs WHERE seq > ?');
    for (const row of runs.iterate(this.highRun)) {
      this.add(IdKind.traceRun, row.trace_id, row.seq);
      this.add(IdKind.run, row.id, row.seq);
    }
  }
}

/**
 * 52 bits of a hex id (32 digits): its first 13 hex digits XOR its last 13. Neither end alone will do: 64-bit
 * trace ids from Jaeger-era tracers come zero-padded to 128 bits (the first half is 0 for every trace), and
 * X-Ray-style ids start with the time; with one end as the key, every such trace shared a handful of keys and
 * each look-up returned thousands of rows. Digit by digit, as XOR of digits is XOR of the numbers, without
 * substrings or 32-bit bitwise limits.
 */
export function keyOf(id: string): number {
  const tail = id.length - 13;
  let key = 0;
  for (let i = 0; i < 13; i++) key = key * 16 + (hexDigit(id.charCodeAt(i)) ^ hexDigit(id.charCodeAt(tail + i)));
  return key;
}

/** The value of a hex digit's character code ('0'–'9', 'a'–'f' or 'A'–'F'). */
function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}
