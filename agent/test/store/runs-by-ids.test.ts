/**
 * Runs by their ids in one read (what a list of findings shows of its example runs): found before and after their
 * id entries are written, without the runs of ids no longer stored or of other ids sharing an entry's key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyOf } from '../../src/store/sqlite/id-index.js';
import { hourlyRun } from '../helpers/hourly-runs.js';
import { tempStores, writeSpans } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const HOUR = 3_600_000;

/** Another id filed under the same key: its first digit and the first of its last 13 changed alike. */
function twin(id: string): string {
  const flip = (digit: string) => (parseInt(digit, 16) ^ 1).toString(16);
  return flip(id[0]!) + id.slice(1, 19) + flip(id[19]!) + id.slice(20);
}

const stores = tempStores('runs-by-ids');
afterEach(() => stores.closeAll());

describe('runs by ids', () => {
  it('gives the stored runs of the ids asked for, before and after their entries are written', async () => {
    const { store, path } = stores.open();
    writeSpans(store, [0, 1, 2].map((i) => hourlyRun('etl', i, T0, i === 1)));
    const ids = store.runs({ fromMs: T0, toMs: T0 + 3 * HOUR }).map((r) => r.id);
    const [second, , first] = ids;
    const shown = <R extends { id: string }>(found: R[]) => [...found].sort((a, b) => a.id.localeCompare(b.id));
    const expected = shown([
      { id: first!, runId: 'etl-0', workflow: 'etl', status: 'success', startMs: T0 },
      { id: second!, runId: 'etl-2', workflow: 'etl', status: 'success', startMs: T0 + 2 * HOUR },
    ]);
    expect(keyOf(twin(first!))).toBe(keyOf(first!));
    const asked = [first!, second!, 'f'.repeat(32), twin(first!)];
    expect(shown(store.runsByIds(asked))).toEqual(expected);
    expect(store.runsByIds([])).toEqual([]);
    await store.close();

    const { store: again } = stores.open(path);
    expect(shown(again.runsByIds(asked))).toEqual(expected);
    // Written, the entries are found by key: the twin's is the first run's.
    expect(again.runsByIds([twin(first!)])).toEqual([]);
    expect(again.runsByIds([ids[1]!])).toEqual([{ id: ids[1], runId: 'etl-1', workflow: 'etl', status: 'failure', startMs: T0 + HOUR }]);
  });
});
