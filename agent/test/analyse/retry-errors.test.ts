/**
 * A step that passed on a later try keeps the error its failed try gave: a flaky step that only ever needs retries
 * is told by that error, its kind of fault and its advice, not as a fault of the code by default.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { modelTrace } from '../../src/normalise/index.js';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { exception, span } from '../normalise/helpers.js';
import { tempStores, writeSpans } from '../helpers/store.js';
import { minerTemplateOf } from './scenario.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20);
const UNAVAILABLE = '503 Server Error: Service Unavailable for url: https://events.partner.example.com/v2/events?page=3';
const stores = tempStores('retry-errors');
afterEach(() => stores.closeAll());

/** Airflow 3: run `i` of an hourly DAG; `fetch_api` fails its first try with a 503 and passes its second when `retried`. */
function airflowRun(i: number, retried: boolean): OtlpSpan[] {
  const start = T0 + i * HOUR;
  const trace = i.toString(16).padStart(32, '0');
  const runId = `scheduled__${new Date(start).toISOString()}`;
  const resource = { 'service.name': 'Airflow' };
  const task = (id: string, name: string, tryNumber: number, from: number, to: number, failed = false) =>
    span({
      id, parent: 'd', trace, name: `task_run.${name}`, start: start + from, end: start + to, resource, status: failed ? 2 : 1,
      ...(failed && { message: UNAVAILABLE, events: [exception('requests.exceptions.HTTPError', UNAVAILABLE, start + to)] }),
      attributes: {
        'airflow.dag_id': 'partner_events', 'airflow.task_id': name, 'airflow.dag_run.run_id': runId,
        'airflow.task_instance.try_number': tryNumber, 'airflow.task_instance.state': failed ? 'up_for_retry' : 'success', 'airflow.task_instance.map_index': -1,
      },
    });
  return [
    span({
      id: 'd', trace, name: 'dag_run.partner_events', start, end: start + 400_000, resource, status: 1,
      attributes: { 'airflow.dag_id': 'partner_events', 'airflow.dag_run.run_id': runId, 'airflow.dag_run.state': 'success' },
    }),
    ...(retried ? [task('1', 'fetch_api', 1, 1_000, 20_000, true), task('2', 'fetch_api', 2, 200_000, 230_000)] : [task('2', 'fetch_api', 1, 1_000, 30_000)]),
    task('3', 'load', 1, 240_000, 390_000),
  ];
}

describe('a step that passed on a retry', () => {
  it("keeps the error of a Temporal activity's failed attempt", () => {
    const ids = { temporalWorkflowID: 'n', temporalRunID: 'r' };
    const [run] = modelTrace([
      span({ id: '1', name: 'RunWorkflow:Nightly', kind: 2, start: 0, end: 100, attributes: ids }),
      span({ id: '2', parent: '1', name: 'StartActivity:Fetch', kind: 3, start: 1, end: 2 }),
      span({ id: '3', parent: '2', name: 'RunActivity:Fetch', kind: 2, start: 3, end: 10, status: 2, events: [exception('Timeout', 'activity StartToClose timeout')] }),
      span({ id: '4', parent: '2', name: 'RunActivity:Fetch', kind: 2, start: 20, end: 30, status: 1 }),
    ]);
    expect(run!.steps[0]).toMatchObject({ name: 'Fetch', status: 'success', attempt: 2, retryError: 'activity StartToClose timeout' });
  });

  it('gives none to a task whose try after the failed one was skipped: it never passed', () => {
    const spans = airflowRun(0, true).map((s) =>
      s.attributes['airflow.task_instance.try_number'] === 2 ? { ...s, attributes: { ...s.attributes, 'airflow.task_instance.state': 'skipped' } } : s,
    );
    const fetch = modelTrace(spans)[0]!.steps.find((step) => step.name === 'fetch_api')!;
    expect(fetch).toMatchObject({ status: 'skipped', attempt: 2 });
    expect(fetch.retryError).toBeUndefined();
  });

  it("keeps its failed try's error through the store, and a flaky step needing retries on a partner's 503s is told as such", () => {
    const { store } = stores.open();
    const retried = new Set([3, 7, 8, 12, 15, 19, 22, 23, 27, 31, 34, 38, 41, 45]);
    for (let i = 0; i < 48; i++) writeSpans(store, airflowRun(i, retried.has(i)));
    const runs = store.runs({ workflow: 'partner_events', fromMs: T0, toMs: T0 + 49 * HOUR });
    expect(runs).toHaveLength(48);
    const fetch = runs.find((r) => r.startMs === T0 + 3 * HOUR)!.steps.find((s) => s.name === 'fetch_api')!;
    expect(fetch).toMatchObject({ status: 'success', attempt: 2, retryError: UNAVAILABLE });
    expect(fetch.errorMessage).toBeUndefined();

    const nowMs = Math.max(...runs.map((r) => r.endMs));
    const flaky = analyse({ nowMs, runs, templateOf: minerTemplateOf(), config: {} }).candidates.filter((c) => c.kind === 'flaky');
    expect(flaky.map((c) => c.title)).toEqual([expect.stringContaining('Step `fetch_api` of `partner_events` is flaky: it passed only on a retry in 14 of')]);
    expect(flaky[0]!.category).toBe('external_service');
    expect(flaky[0]!.evidence.errorLines).toEqual([UNAVAILABLE]);
  });
});
