import type { Database, Statement } from 'better-sqlite3';

/** What an `id_index` entry finds: the span chunks of a trace, the runs of a trace, or a run by its id. */
export const IdKind = { traceChunk: 0, traceRun: 1, run: 2 } as const;
export type IdKind = (typeof IdKind)[keyof typeof IdKind];

/** Entries kept in memory before they are written; the oldest is written after FLUSH_MS at the latest. */
const FLUSH_ENTRIES = 60_000;
const FLUSH_MS = 2_000;
const HIGH_WATER = ['id_index.chunks', 'id_index.runs'] as const;

/**
 * Finds rows by trace id and run id without a B-tree keyed by those random ids on the write path. Such an index
 * takes each new row into a random page, and at commit every page touched is written out whole to the WAL:
 * about 4 KiB written per row and index, most of the agent's ingest time (`docs/performance.md`). New entries
 * are kept in memory and written to `id_index` together every few seconds, so that a page of the index is
 * written once per batch of thousands of rows rather than once per row.
 *
 * Keys are the first 52 bits of the hex id (a safe integer); callers check the full id on the row they read.
 * Rows are numbered by AUTOINCREMENT, so the entries not yet written when the process died are exactly those of
 * the rows above the high-water marks kept in `meta`, and are rebuilt from them on open.
 */
export class IdIndex {
  private readonly pending: Map<string, number[]>[] = [new Map(), new Map(), new Map()];
  private pendingCount = 0;
  private lastFlushMs = performance.now();
  private highChunk: number;
  private highRun: number;
  private readonly select: Statement<[number, number], number>;
  private readonly insert: Statement<[number, number, number]>;
  private readonly delete: Statement<[number, number, number]>;
  private readonly setHigh: Statement<[string, number]>;

  constructor(private readonly db: Database) {
    this.select = db.prepare<[number, number], number>('SELECT seq FROM id_index WHERE key = ? AND kind = ?').pluck();
    this.insert = db.prepare('INSERT OR IGNORE INTO id_index (key, kind, seq) VALUES (?, ?, ?)');
    this.delete = db.prepare('DELETE FROM id_index WHERE key = ? AND kind = ? AND seq = ?');
    this.setHigh = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const high = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck();
    this.highChunk = Number(high.get(HIGH_WATER[0]) ?? 0);
    this.highRun = Number(high.get(HIGH_WATER[1]) ?? 0);
    this.recover();
  }

  /**
   * Row numbers filed under `id`, possibly with rows of other ids: another id with the same first 52 bits, or a
   * row whose number came back after its transaction rolled back. Callers keep the rows that carry the id.
   */
  seqs(kind: IdKind, id: string): number[] {
    const onDisk = this.select.all(keyOf(id), kind);
    const inMemory = this.pending[kind]!.get(id);
    return inMemory ? [...new Set([...onDisk, ...inMemory])] : onDisk;
  }

  add(kind: IdKind, id: string, seq: number): void {
    this.put(kind, id, seq);
    if (kind === IdKind.traceChunk) this.highChunk = Math.max(this.highChunk, seq);
    else this.highRun = Math.max(this.highRun, seq);
  }

  remove(kind: IdKind, id: string, seq: number): void {
    if (!this.take(kind, id, seq)) this.delete.run(keyOf(id), kind, seq);
  }

  /** Writes the pending entries when there are many or the oldest has waited long; after the batch's commit. */
  flushIfDue(): void {
    if (this.pendingCount >= FLUSH_ENTRIES || (this.pendingCount > 0 && performance.now() - this.lastFlushMs >= FLUSH_MS)) this.flush();
  }

  /** Writes every pending entry and the high-water marks in one transaction; they stay in memory if it fails. */
  flush(): void {
    this.db.transaction(() => {
      this.pending.forEach((map, kind) => {
        for (const [id, seqs] of map) {
          const key = keyOf(id);
          for (const seq of seqs) this.insert.run(key, kind, seq);
        }
      });
      this.setHigh.run(HIGH_WATER[0], this.highChunk);
      this.setHigh.run(HIGH_WATER[1], this.highRun);
    })();
    for (const map of this.pending) map.clear();
    this.pendingCount = 0;
    this.lastFlushMs = performance.now();
  }

  private put(kind: IdKind, id: string, seq: number): void {
    const map = this.pending[kind]!;
    const list = map.get(id);
    if (list) list.push(seq);
    else map.set(id, [seq]);
    this.pendingCount++;
  }

  /** Takes the entry out of memory; false when it is not there (it was written). */
  private take(kind: IdKind, id: string, seq: number): boolean {
    const map = this.pending[kind]!;
    const list = map.get(id);
    const at = list?.indexOf(seq) ?? -1;
    if (at === -1) return false;
    list!.splice(at, 1);
    if (list!.length === 0) map.delete(id);
    this.pendingCount--;
    return true;
  }

  private recover(): void {
    const chunks = this.db.prepare<[number], { id: number; trace_id: string }>('SELECT id, trace_id FROM span_chunks WHERE id > ?');
    for (const row of chunks.iterate(this.highChunk)) this.add(IdKind.traceChunk, row.trace_id, row.id);
    const runs = this.db.prepare<[number], { seq: number; id: string; trace_id: string }>('SELECT seq, id, trace_id FROM runs WHERE seq > ?');
    for (const row of runs.iterate(this.highRun)) {
      this.add(IdKind.traceRun, row.trace_id, row.seq);
      this.add(IdKind.run, row.id, row.seq);
    }
  }
}

/** The first 52 bits of a hex id: trace ids and run ids are random, so this spreads as well as the whole id. */
function keyOf(id: string): number {
  return parseInt(id.slice(0, 13), 16);
}
