import { describe, expect, it } from 'vitest';
import { scheduleIntervalMs } from '../../src/export/schedule-interval.js';

const MINUTE = 60_000;

describe('the time between analysis passes, by their schedule', () => {
  it('is the gap between its next two passes', () => {
    const now = Date.parse('2026-11-20T17:33:20Z');
    expect(scheduleIntervalMs('* * * * *', now)).toBe(MINUTE);
    expect(scheduleIntervalMs('*/10 * * * *', now)).toBe(10 * MINUTE);
    expect(scheduleIntervalMs('*/30 * * * * *', now)).toBe(30_000);
  });
});
