import type { Database } from 'better-sqlite3';

/**
 * Tells a cache of the store's rows that another connection committed since it last asked (SQLite's
 * `data_version` moves only for other connections' commits), so what it kept may be stale.
 */
export class ForeignCommits {
  private version: number;

  constructor(private readonly db: Database) {
    this.version = this.current();
  }

  /** True once after each foreign commit. */
  happened(): boolean {
    const version = this.current();
    if (version === this.version) return false;
    this.version = version;
    return true;
  }

  private current(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
