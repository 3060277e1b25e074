/**
 * Log records are at-least-once like spans: a record sent again is dropped. Records that differ in anything must
 * all be kept, however many share a time and ids (a request of records without a time of their own all take the
 * time it was received).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpLogRecord } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { tempStores, templateOf } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const stores = tempStores('log-dedupe');
afterEach(() => stores.closeAll());

const record = (body: string): OtlpLogRecord => ({
  timeMs: T0, observedTimeMs: T0, severityNumber: 17, severityText: 'ERROR', body, attributes: {}, traceId: '', spanId: '', resource: {}, scopeName: 'payments',
});

describe('log records sharing a time and ids', () => {
  it('are all kept when they differ, and dropped when sent again', () => {
    const { store } = stores.open();
    // 300,000 bodies with distinct request ids: a 32-bit hash of them has about ten collisions, each of which lost a record.
    let seed = 1;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16);
    const records = Array.from({ length: 300_000 }, () => record(`payment failed: request ${random()}${random()}`));
    const write = (logs: OtlpLogRecord[]) =>
      store.write({ spans: [], logs, logTemplates: logs.map(() => undefined), templateMerges: [] }, modelTrace, templateOf);
    expect(write(records)).toMatchObject({ logsAccepted: 300_000, logsDuplicate: 0 });
    expect(write(records.slice(0, 1_000))).toMatchObject({ logsAccepted: 0, logsDuplicate: 1_000 });
  });
});
