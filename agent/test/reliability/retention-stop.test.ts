/** Stopping during a retention pass: the pass ends before the store closes, so nothing fails on a closed store. */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';
import { RetentionJob } from '../../src/service/retention.js';
import type { Store } from '../../src/store/store.js';
import { tempStores } from '../helpers/store.js';

const stores = tempStores('retention-stop');
afterEach(() => stores.closeAll());

describe('stopping retention', () => {
  it('waits for the pass under way, which ends at its next chunk', async () => {
    const { store } = stores.open();
    // A pass with always more to delete, as over a large store: it yields between chunks until stopped.
    let chunks = 0;
    const large = Object.assign(Object.create(store) as Store, {
      pruneChunk: (cutoffMs: number) => {
        store.pruneChunk(cutoffMs);
        return ++chunks;
      },
    });
    const lines: string[] = [];
    const job = new RetentionJob(large, 86_400_000, createLogger('info', (line) => lines.push(line)));
    job.start();
    expect(chunks).toBe(1);

    await job.stop();
    const stoppedAt = chunks;
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chunks).toBe(stoppedAt);
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['retention: deleted old data']);
  });
});
