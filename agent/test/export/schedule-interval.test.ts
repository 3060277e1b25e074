import { describe, expect, it } from 'vitest';
import { untilNextPassMs } from '../../src/export/schedule-interval.js';

const MINUTE = 60_000;

describe('the time until the next analysis pass, by its schedule', () => {
  it('is the wait for the next pass, quiet hours included', () => {
    // A Friday, 17:33:20 UTC.
    const now = Date.parse('2026-11-20T17:33:20Z');
    expect(untilNextPassMs('* * * * *', now)).toBe(40_000);
    expect(untilNextPassMs('*/10 * * * *', now)).toBe(6 * MINUTE + 40_000);
    // Every 5 minutes from 09:00 to 17:55 on working days: the next pass is on Monday at 09:00.
    expect(untilNextPassMs('*/5 9-17 * * 1-5', Date.parse('2026-11-20T17:55:00Z'))).toBe(Date.parse('2026-11-23T09:00:00Z') - Date.parse('2026-11-20T17:55:00Z'));
  });
});
