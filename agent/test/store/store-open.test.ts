/**
 * Opening a store: two agents starting together on a new store both come up, and a store from a newer FlowLens is
 * refused with one line, not a stack trace.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/sqlite/migrations/index.js';
import { flowlens } from '../cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-store-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('opening a store', () => {
  it('migrates a new store once when two agents open it together', () => {
    const path = join(dir, 'together.db');
    const first = new Database(path);
    const second = new Database(path);
    // The first agent migrates right after the second read the store's version (0, a new store).
    const pragma = second.pragma.bind(second);
    let raced = false;
    second.pragma = ((source: string, options?: { simple?: boolean }) => {
      const result = pragma(source, options);
      if (source === 'user_version' && !raced) {
        raced = true;
        migrate(first);
      }
      return result;
    }) as typeof second.pragma;
    expect(migrate(second)).toBe(MIGRATIONS.at(-1)!.version);
    expect(raced).toBe(true);
    first.close();
    second.close();
  });

  it('refuses a store from a newer FlowLens in one line, naming its schema', async () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    vi.stubEnv('FLOWLENS_STORAGE_PATH', path);
    vi.stubEnv('FLOWLENS_API_LISTEN', '127.0.0.1:0');
    vi.stubEnv('FLOWLENS_OTLP_HTTP', 'false');
    vi.stubEnv('FLOWLENS_OTLP_GRPC', 'false');
    const { code, stderr } = await flowlens(['serve']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `flowlens: cannot open the store at ${path}: the store was written by a newer FlowLens (schema 999, this version knows up to ${MIGRATIONS.at(-1)!.version})\n`,
    );
  });
});
