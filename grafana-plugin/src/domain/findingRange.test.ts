import { describe, expect, it } from 'vitest';

import { findingRange } from './findingRange.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('the time range a finding opens its workflow at', () => {
  it('starts a while before the finding began and runs to now while it lasts', () => {
    expect(findingRange({ firstSeen: '2026-11-22T08:00:00Z', lastSeen: '2026-11-22T11:50:00Z', status: 'open' }, NOW)).toEqual({
      from: '2026-11-22T07:00:00.000Z',
      to: 'now',
    });
    // A quarter of a long problem's span before it, to show what normal looked like.
    expect(findingRange({ firstSeen: '2026-11-18T12:00:00Z', lastSeen: '2026-11-22T12:00:00Z', status: 'acknowledged' }, NOW).from).toBe('2026-11-17T12:00:00.000Z');
  });

  it('ends a while after the finding was last seen once it resolved, or when that was over a day ago', () => {
    expect(findingRange({ firstSeen: '2026-11-20T08:00:00Z', lastSeen: '2026-11-20T10:00:00Z', status: 'resolved' }, NOW)).toEqual({
      from: '2026-11-20T07:00:00.000Z',
      to: '2026-11-20T11:00:00.000Z',
    });
    expect(findingRange({ firstSeen: '2026-11-10T00:00:00Z', lastSeen: '2026-11-14T00:00:00Z', status: 'open' }, NOW)).toEqual({
      from: '2026-11-09T00:00:00.000Z',
      to: '2026-11-15T00:00:00.000Z',
    });
  });
});
