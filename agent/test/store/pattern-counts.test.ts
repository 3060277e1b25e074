/**
 * How often a pattern occurred in a run's step: a step's error is often told twice, by its span's status and by the
 * ERROR line it logged as it failed. That is one occurrence; two lines are two.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpLogRecord } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { span, TRACE } from '../normalise/helpers.js';
import { tempStores, templateOf } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const MESSAGE = 'order 7 not found';
const failedRun = [
  span({ id: 'a1', name: 'run deploy', start: T0, end: T0 + 60_000, attributes: { 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': '7', 'cicd.pipeline.result': 'failure' } }),
  span({ id: 'b1', parent: 'a1', name: 'test', start: T0 + 1_000, end: T0 + 11_000, status: 2, message: MESSAGE,
    attributes: { 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'failure' } }),
];
const line = (timeMs: number): OtlpLogRecord => ({
  timeMs, observedTimeMs: timeMs, severityNumber: 17, severityText: 'ERROR', body: MESSAGE, attributes: {}, traceId: TRACE, spanId: failedRun[1]!.spanId, resource: {}, scopeName: 'ci',
});

const stores = tempStores('pattern-counts');
afterEach(() => stores.closeAll());

describe("a pattern's count in a run", () => {
  it('is one for an error its step both ended with and logged, and counts each further line', () => {
    const { store } = stores.open();
    const write = (logs: OtlpLogRecord[], spans = failedRun) =>
      store.write({ spans: spans.map((s) => ({ ...s })), logs, logTemplates: logs.map(() => 't'), templateMerges: [] }, modelTrace, templateOf);
    write([line(T0 + 10_000)]);
    expect(store.runsOfPattern('t', 10).map((r) => [r.step, r.count])).toEqual([['test', 1]]);
    // The step logged it again on the way (a retry inside it): two lines.
    write([line(T0 + 5_000)], []);
    expect(store.runsOfPattern('t', 10).map((r) => [r.step, r.count])).toEqual([['test', 2]]);
  });
});
