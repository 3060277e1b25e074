/**
 * A shutdown whose last write fails (the store locked by another connection past the busy timeout; a full disk
 * fails the same way): the failed step is logged, everything else is still closed, and `flowlens serve` exits 1
 * instead of hanging.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';
import { startTestAgent } from '../helpers/agent.js';
import { cliMissing, tempStore } from './support.js';

/** Holds the store's write lock from another connection until released. */
function lockStore(path: string): { release(): void } {
  const db = new Database(path);
  db.prepare('BEGIN IMMEDIATE').run();
  return {
    release: () => {
      db.prepare('ROLLBACK').run();
      db.close();
    },
  };
}

describe('a shutdown whose last write fails', () => {
  it('logs the failed step and still closes the API and the store', { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const agent = await startTestAgent({}, createLogger('error', (line) => lines.push(line)));
    const lock = lockStore(join(agent.dir, 'flowlens.db'));
    try {
      await expect(agent.stop()).rejects.toThrow(/not cleanly/);
    } finally {
      lock.release();
    }
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'shutdown: saving the log templates failed', error: expect.stringMatching(/locked/) }),
    );
    await expect(fetch(`${agent.apiUrl}/healthz`)).rejects.toThrow();
    expect(agent.store.db.open).toBe(false);
    await agent.close().catch(() => undefined);
  });
});

const store = tempStore('shutdown-failure');

describe.skipIf(cliMissing())('flowlens serve, when its last write fails', () => {
  it('exits 1 on SIGTERM, naming the failed step, instead of hanging', { timeout: 40_000 }, async () => {
    const agent = await store.spawn();
    expect((await fetch(`${agent.apiUrl}/readyz`)).status).toBe(200);
    const lock = lockStore(store.storePath);
    try {
      expect(await agent.stop('SIGTERM')).toBe(1);
    } finally {
      lock.release();
    }
    expect(agent.stderr()).toContain('shutdown: saving the log templates failed');
    expect(agent.stderr()).not.toMatch(/^\s+at /m);
    // Nothing was left half-written: the next agent opens the store.
    const next = await store.spawn();
    expect((await fetch(`${next.apiUrl}/readyz`)).status).toBe(200);
    expect(await next.stop('SIGTERM')).toBe(0);
  });
});
