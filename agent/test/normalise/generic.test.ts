import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, exception, span, TRACE } from './helpers.js';

const resource = { 'service.name': 'report-svc' };

describe('generic fallback', () => {
  it('makes the root span the run and its children the steps', () => {
    const trace = [
      span({ id: '1', name: 'nightly-report', kind: 2, start: 0, end: 1_000, status: 2, resource }),
      span({ id: '2', parent: '1', name: 'load', start: 10, end: 400, resource }),
      span({ id: '3', parent: '2', name: 'SELECT orders', kind: 3, start: 20, end: 380, resource, attributes: { 'db.system': 'postgresql', 'server.address': 'db1', 'server.port': 5432 } }),
      span({ id: '4', parent: '1', name: 'render', start: 400, end: 990, resource, status: 2 }),
      span({ id: '5', parent: '4', name: 'layout', start: 410, end: 980, resource, status: 2, events: [exception('KeyError', "'total'")] }),
    ];
    expect(describeRuns(modelTrace(trace))).toBe(
      [
        `run generic "nightly-report" #${TRACE} failure 1000ms error=KeyError: 'total'`,
        '  step "load" success 390ms ->db1:5432(db 1x 0err 360ms)',
        `  step "render" failure 590ms error=KeyError: 'total'`,
      ].join('\n'),
    );
    const [run] = modelTrace(trace);
    expect(run).toMatchObject({ runId: run!.traceId, spanId: '0000000000000001' });
  });

  it('puts the service name in front of root names too common to tell workflows apart', () => {
    const names = ['main', 'GET /reports', 'sync-invoices'].map(
      (name) => modelTrace([span({ id: '1', name, start: 0, end: 1, resource })])[0]!.workflow,
    );
    expect(names).toEqual(['report-svc: main', 'report-svc: GET /reports', 'sync-invoices']);
  });

  it("leaves runners' own traces that are no workflow run alone", () => {
    const signal = [
      span({ id: '1', name: 'SignalWorkflow:approve', kind: 3, start: 0, end: 5, resource: { 'service.name': 'shop-api' } }),
      span({ id: '2', parent: '1', name: 'HandleSignal:approve', kind: 2, start: 6, end: 7, resource: { 'service.name': 'order-worker' } }),
    ];
    const scheduler = [span({ id: '1', name: 'dag_parsing_loop', start: 0, end: 5, resource: { 'service.name': 'Airflow' } })];
    const jenkinsUi = [span({ id: '1', name: 'GET /job/app/', kind: 2, start: 0, end: 5, resource: { 'service.name': 'jenkins' } })];
    expect([modelTrace(signal), modelTrace(scheduler), modelTrace(jenkinsUi)]).toEqual([[], [], []]);
  });

  it('waits for the root span before making a run', () => {
    expect(modelTrace([span({ id: '2', parent: '1', name: 'load', start: 0, end: 1, resource })])).toEqual([]);
  });
});
