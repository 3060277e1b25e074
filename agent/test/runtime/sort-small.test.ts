import { describe, expect, it } from 'vitest';
import { sortSmall } from '../../src/runtime/sort-small.js';

/** A seeded linear congruential generator: the same arrays on every run. */
function numbers(seed: number, length: number, range: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state % range;
  });
}

describe('sortSmall', () => {
  it('orders like Array.prototype.sort at every length around the insertion limit, ties kept in order', () => {
    for (let length = 0; length <= 70; length++) {
      // Few distinct keys, so ties are common; the index tells whether equal keys kept their order.
      const items = numbers(length + 1, length, 7).map((key, index) => ({ key, index }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const sorted = sortSmall([...items], byKey);
      expect(sorted, `length ${length}`).toEqual([...items].sort(byKey));
    }
  });

  it('sorts in place and returns the same array', () => {
    const items = [3, 1, 2];
    expect(sortSmall(items, (a, b) => a - b)).toBe(items);
    expect(items).toEqual([1, 2, 3]);
  });

  it('sorts a typed array (a slice of a shared scratch) in place in ascending order, at every length around the insertion limit', () => {
    for (let length = 0; length <= 70; length++) {
      const scratch = Float64Array.from([-1, ...numbers(length + 5, length, 1_000), -1]);
      const slice = scratch.subarray(1, length + 1);
      sortSmall(slice);
      expect([...slice], `length ${length}`).toEqual(numbers(length + 5, length, 1_000).sort((a, b) => a - b));
      expect([scratch[0], scratch[length + 1]]).toEqual([-1, -1]);
    }
  });
});
