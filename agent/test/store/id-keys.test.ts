/**
 * Runs and span chunks are found through entries keyed by 52 bits of the trace or run id (id-index.ts). Ids whose
 * one end is the same for every trace must still get keys of their own, or every look-up returns them all.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyOf } from '../../src/store/sqlite/id-index.js';

const distinctKeys = (ids: string[]) => new Set(ids.map(keyOf)).size;
const many = (make: () => string) => Array.from({ length: 10_000 }, make);

describe('id entry keys', () => {
  it('differ for 64-bit trace ids padded to 128 bits (Jaeger-era tracers)', () => {
    expect(distinctKeys(many(() => '0'.repeat(16) + randomBytes(8).toString('hex')))).toBe(10_000);
  });

  it('differ for ids that start with the time of the second (X-Ray-style)', () => {
    const second = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
    expect(distinctKeys(many(() => second + randomBytes(12).toString('hex')))).toBe(10_000);
  });

  it('differ for ids that end alike', () => {
    expect(distinctKeys(many(() => randomBytes(8).toString('hex') + '0'.repeat(16)))).toBe(10_000);
  });

  it('are safe integers, the same for the same id', () => {
    const id = randomBytes(16).toString('hex');
    expect(Number.isSafeInteger(keyOf(id))).toBe(true);
    expect(keyOf(id)).toBe(keyOf(id));
    expect(Number.isSafeInteger(keyOf('f'.repeat(32)))).toBe(true);
  });
});
