import { describe, expect, it } from 'vitest';
import { sameValue } from '../../src/model/attribute-values.js';

describe('attribute values compared', () => {
  it('takes maps with the same entries in another order for the same value', () => {
    expect(sameValue({ region: 'eu', tier: 'gold' }, { tier: 'gold', region: 'eu' })).toBe(true);
    expect(sameValue({ a: { x: 1, y: [1, 2] } }, { a: { y: [1, 2], x: 1 } })).toBe(true);
  });

  it('tells values apart by content, list order, kind and missing keys', () => {
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(sameValue({ toString: 1 }, {} as never)).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(null, null)).toBe(true);
    expect(sameValue(['a', { b: null }], ['a', { b: null }])).toBe(true);
  });
});
