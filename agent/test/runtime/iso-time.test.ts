import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/runtime/iso-time.js';

describe('isoTime', () => {
  it('writes what toISOString writes, across days, at their edges, with fractions, and out of its fast range', () => {
    const times = [0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, Date.UTC(2026, 11, 1, 23, 59, 59, 999), Date.UTC(2026, 11, 2)];
    let state = 7;
    for (let i = 0; i < 2000; i++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      // Random times from 1970 to about 2100, some with sub-millisecond fractions as the decoders give them.
      times.push((state / 2 ** 32) * 4.1e12 + (i % 3 === 0 ? 0.4567 : 0));
    }
    times.push(-1, -86_400_001.5, 253_402_300_799_999, 253_402_300_800_000, 8.64e15);
    for (const ms of times) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
