/**
 * Log records are at-least-once like spans: a record sent again is dropped. Records that differ in anything must
 * all be kept, however many share a time and ids (a request of records without a time of their own all take the
 * time it was received): they are told apart by a hash of the rest, which must not collide among so many.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpLogRecord } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { hashText } from '../../src/store/sqlite/codec.js';
import { tempStores, templateOf } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const stores = tempStores('log-dedupe');
afterEach(() => stores.closeAll());

const record = (body: string): OtlpLogRecord => ({
  timeMs: T0, observedTimeMs: T0, severityNumber: 17, severityText: 'ERROR', body, attributes: {}, traceId: '', spanId: '', resource: {}, scopeName: 'payments',
});

/** Bodies with distinct request ids, as a busy service logs them. */
function bodies(count: number): string[] {
  let seed = 1;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16);
  return Array.from({ length: count }, () => `17\u0000ERROR\u0000${T0}\u00001\u0000payments\u0000{}\u0000payment failed: request ${random()}${random()}`);
}

describe('log records sharing a time and ids', () => {
  it('are told apart among 300,000: the hash has no collision there (32 bits had about ten)', () => {
    const hashes = new Set(bodies(300_000).map(hashText));
    expect(hashes.size).toBe(300_000);
    expect([...hashes].some((h) => h > 2 ** 32)).toBe(true);
    expect([...hashes].every((h) => Number.isSafeInteger(h) && h >= 0)).toBe(true);
  });

  it('are all kept when they differ, and dropped when sent again', () => {
    const { store } = stores.open();
    const records = bodies(2_000).map(record);
    const write = (logs: OtlpLogRecord[]) =>
      store.write({ spans: [], logs, logTemplates: logs.map(() => undefined), templateMerges: [] }, modelTrace, templateOf);
    expect(write(records)).toMatchObject({ logsAccepted: 2_000, logsDuplicate: 0 });
    expect(write(records.slice(0, 500))).toMatchObject({ logsAccepted: 0, logsDuplicate: 500 });
  });
});
