import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passedOnRetry, workMs } from '../../src/model/workflow.js';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, exception, span } from './helpers.js';

const at = (time: string) => Date.parse(`2024-11-30T${time}Z`);
const airflowTime = (time: string) => `2024-11-30 ${time}+00:00`;
const RUN_ID = 'manual__2024-11-30T14:01:15.333003+00:00';
const resource = { 'service.name': 'Airflow' };

/** Airflow 2.x: task span per try, named after the task, with `airflow.task.*`. */
function task2(id: string, task: string, state: string, tryNumber: number, queued: string, started: string, ended: string) {
  return span({
    id, parent: 'd', name: task, start: at(queued), end: at(ended), resource,
    attributes: {
      'airflow.category': 'scheduler', 'airflow.task.task_id': task, 'airflow.task.dag_id': 'etl_daily', 'airflow.task.state': state,
      'airflow.task.try_number': tryNumber, 'airflow.task.queued_dttm': airflowTime(queued), 'airflow.task.start_date': airflowTime(started),
      'airflow.task.log_url': `http://localhost:8080/dags/etl_daily/grid?dag_run_id=${encodeURIComponent(RUN_ID)}&task_id=${task}&tab=logs`,
    },
  });
}

const airflow2 = [
  span({
    id: 'd', name: 'etl_daily', start: at('14:01:00'), end: at('14:03:00'), resource,
    attributes: {
      'airflow.category': 'DAG runs', 'airflow.dag_run.dag_id': 'etl_daily', 'airflow.dag_run.run_id': RUN_ID, 'airflow.dag_run.state': 'failed',
      'airflow.dag_run.queued_at': airflowTime('14:01:00'), 'airflow.dag_run.run_start_date': airflowTime('14:01:02.500000'),
    },
  }),
  task2('1', 'extract', 'success', 1, '14:01:03', '14:01:04', '14:01:10'),
  task2('2', 'transform', 'up_for_retry', 1, '14:01:11', '14:01:12', '14:01:20'),
  task2('3', 'transform', 'failed', 2, '14:02:00', '14:02:01', '14:02:30'),
  span({ id: '4', parent: '3', name: 'parse_rows', start: at('14:02:05'), end: at('14:02:29'), status: 2, events: [exception('ValueError', 'bad row 17')] }),
  task2('5', 'load', 'upstream_failed', 1, '14:02:31', '14:02:31', '14:02:31'),
];

/** Airflow 3: `task_run.<task>` spans under the `dag_run.<dag>` span, which is only sent once the run completes. */
const task3 = (id: string, task: string, state: string, start: number, end: number) =>
  span({
    id, parent: 'd', name: `task_run.${task}`, start, end, resource, status: state === 'success' ? 1 : 2,
    attributes: {
      'airflow.dag_id': 'reports', 'airflow.task_id': task, 'airflow.dag_run.run_id': 'scheduled__2025-01-01',
      'airflow.task_instance.try_number': 1, 'airflow.task_instance.state': state, 'airflow.task_instance.map_index': -1,
    },
  });
const tasks3 = [task3('1', 'query', 'success', 1_000, 2_000), task3('2', 'email', 'success', 2_000, 2_500)];
const dagRun3 = span({
  id: 'd', name: 'dag_run.reports', start: 900, end: 2_600, resource, status: 1,
  attributes: { 'airflow.dag_id': 'reports', 'airflow.dag_run.run_id': 'scheduled__2025-01-01', 'airflow.dag_run.state': 'success' },
});

describe('Airflow', () => {
  it('2.x: DAG run and tasks, retries merged into one step, upstream-failed tasks skipped, queue times', () => {
    expect(describeRuns(modelTrace(airflow2))).toBe(
      [
        `run airflow "etl_daily" #${RUN_ID} failure 120000ms queue=2500ms error=ValueError: bad row 17`,
        '  step "extract" success 7000ms queue=1000ms attempt=1',
        '  step "transform" failure 79000ms queue=1000ms attempt=2 error=ValueError: bad row 17',
        '  step "load" skipped 0ms queue=0ms attempt=1',
      ].join('\n'),
    );
  });

  it("2.x: a task's time runs from when it was queued, so its work is its time without the wait", () => {
    const [run] = modelTrace(airflow2);
    const extract = run!.steps.find((s) => s.name === 'extract')!;
    expect(extract).toMatchObject({ durationMs: 7000, queueMs: 1000, queueWithin: true });
    expect(workMs(extract)).toBe(6000);
    // A task span that starts when the task starts (some exporters) keeps its time as its work.
    const started = modelTrace([airflow2[0]!, task2('1', 'extract', 'success', 1, '14:01:03', '14:01:04', '14:01:10')].map((s) => (s.spanId === '1'.padStart(16, '0') ? { ...s, startMs: at('14:01:04') } : s)));
    const late = started[0]!.steps[0]!;
    expect(late).toMatchObject({ durationMs: 6000, queueMs: 1000 });
    expect(late.queueWithin).toBeUndefined();
    expect(workMs(late)).toBe(6000);
  });

  it("2.x: a retried task's wait is its first try's, before it began; the second try's falls within its time", () => {
    const transform = modelTrace(airflow2)[0]!.steps.find((s) => s.name === 'transform')!;
    expect(transform).toMatchObject({ startMs: at('14:01:11'), durationMs: 79_000, queueMs: 1000, queueWithin: true, attempt: 2 });
    expect(workMs(transform)).toBe(78_000);
  });

  it('3: the run is running, inferred from its tasks, until the DAG-run span arrives; its id does not change', () => {
    const before = modelTrace(tasks3);
    expect(describeRuns(before)).toBe(
      ['run airflow "reports" #scheduled__2025-01-01 running 1500ms (inferred)', '  step "query" success 1000ms attempt=1', '  step "email" success 500ms attempt=1'].join('\n'),
    );
    const after = modelTrace([...tasks3, dagRun3]);
    expect(describeRuns(after)).toBe(
      ['run airflow "reports" #scheduled__2025-01-01 success 1700ms', '  step "query" success 1000ms attempt=1', '  step "email" success 500ms attempt=1'].join('\n'),
    );
    expect(after[0]!.id).toBe(before[0]!.id);
  });

  it('2.x: takes a DAG run cleared and run again whole for a re-run on its later try, not for retries of every task', () => {
    const [dagRun] = airflow2;
    const cleared = [
      { ...dagRun!, attributes: { ...dagRun!.attributes, 'airflow.dag_run.state': 'success' } },
      task2('1', 'extract', 'success', 2, '14:01:03', '14:01:04', '14:01:10'),
      task2('2', 'transform', 'success', 2, '14:01:11', '14:01:12', '14:01:20'),
      task2('5', 'load', 'success', 2, '14:01:21', '14:01:22', '14:01:30'),
    ];
    const [run] = modelTrace(cleared);
    expect(run!.attempt).toBe(2);
    expect(run!.steps.map((s) => passedOnRetry(s, run!))).toEqual([false, false, false]);
    // A task retried within the re-run is a retry there: its third try is one above the run's second.
    const [retriedInRerun] = modelTrace([...cleared.slice(0, 2), task2('6', 'transform', 'up_for_retry', 2, '14:01:11', '14:01:12', '14:01:15'), task2('7', 'transform', 'success', 3, '14:01:16', '14:01:17', '14:01:20'), cleared[3]!]);
    expect(retriedInRerun!.attempt).toBe(2);
    expect(retriedInRerun!.steps.map((s) => [s.name, passedOnRetry(s, retriedInRerun!)])).toEqual([['extract', false], ['transform', true], ['load', false]]);
    // A task retried within the run keeps its earlier try there: that is a retry, and the run has no attempt of its own.
    const [retried] = modelTrace(airflow2);
    expect(retried!.attempt).toBeUndefined();
    expect(retried!.steps.find((s) => s.name === 'transform')!.attempt).toBe(2);
  });

  it('does not take scheduler spans that mention a DAG run for the run itself', () => {
    const scheduling = span({
      id: '9', parent: '8', name: '_schedule_dag_run', start: 0, end: 1, resource,
      attributes: { 'airflow.dag_run.dag_id': 'etl_daily', 'airflow.dag_run.run_id': RUN_ID },
    });
    expect(modelTrace([scheduling])).toEqual([]);
  });

  it('2.x: tasks that arrive before their DAG-run span also make a running run with the final id', () => {
    const before = modelTrace(airflow2.slice(1));
    expect(before.map((r) => [r.workflow, r.runId, r.status])).toEqual([['etl_daily', RUN_ID, 'running']]);
    expect(before[0]!.id).toBe(modelTrace(airflow2)[0]!.id);
  });
});

describe('Airflow runs and tasks apart', () => {
  const dagRun = (trace: string, state: string, resourceExtra: Record<string, string>) =>
    span({
      id: 'd', trace, name: 'dag_run.reports', start: 0, end: 100, resource: { ...resource, ...resourceExtra }, status: state === 'success' ? 1 : 2,
      attributes: { 'airflow.dag_id': 'reports', 'airflow.dag_run.run_id': 'scheduled__2025-01-01T00:00:00+00:00', 'airflow.dag_run.state': state },
    });
  const idOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

  it('keeps the runs of one DAG and run id in two deployments apart; a run no deployment names keeps its id', () => {
    const prod = modelTrace([dagRun('a'.repeat(32), 'failed', { 'deployment.environment': 'prod' })]);
    const staging = modelTrace([dagRun('b'.repeat(32), 'success', { 'deployment.environment.name': 'staging' })]);
    expect([...prod, ...staging].map((r) => [r.runId, r.status])).toEqual([
      ['scheduled__2025-01-01T00:00:00+00:00', 'failure'],
      ['scheduled__2025-01-01T00:00:00+00:00', 'success'],
    ]);
    expect(prod[0]!.id).not.toBe(staging[0]!.id);
    // The key stored runs were made with: runner, workflow, run id, attempt.
    const plain = modelTrace([dagRun('c'.repeat(32), 'success', {})]);
    expect(plain[0]!.id).toBe(idOf('airflow\nreports\nscheduled__2025-01-01T00:00:00+00:00\n'));
  });

  /** Airflow 2.x: a mapped task's instances, all first tries, under one DAG run. */
  const mapped = (index: number, state: string, where: 'attribute' | 'log url' | 'nowhere') =>
    span({
      id: String(index + 1), parent: 'd', name: 'process', start: at(`14:02:0${index}`), end: at(`14:02:1${index}`), resource,
      attributes: {
        'airflow.category': 'scheduler', 'airflow.task.task_id': 'process', 'airflow.task.dag_id': 'etl_daily', 'airflow.task.state': state,
        'airflow.task.try_number': 1,
        ...(where === 'attribute' && { 'airflow.task_instance.map_index': index }),
        'airflow.task.log_url': `http://localhost:8080/dags/etl_daily/grid?dag_run_id=${encodeURIComponent(RUN_ID)}&task_id=process${where === 'log url' ? `&map_index=${index}` : ''}&tab=logs`,
      },
    });
  const stepsOf = (where: 'attribute' | 'log url' | 'nowhere') =>
    modelTrace([airflow2[0]!, mapped(0, 'failed', where), mapped(1, 'success', where), mapped(2, 'success', where)])[0]!.steps.map((s) => `${s.name} ${s.status} ${s.attempt}`);

  it('2.x: makes each instance of a mapped task a step of its own, named by its map index, not retries of one', () => {
    const named = ['process[0] failure 1', 'process[1] success 1', 'process[2] success 1'];
    expect([stepsOf('attribute'), stepsOf('log url')]).toEqual([named, named]);
    // Spans that do not say the map index: tries with the same number are instances, never retries.
    expect(stepsOf('nowhere')).toEqual(['process failure 1', 'process success 1', 'process success 1']);
  });

  it('2.x: takes a task killed outside Airflow (span ended while the task instance reads running) for failed', () => {
    const killed = span({
      id: '1', parent: 'd', name: 'load', start: at('14:01:03'), end: at('14:01:10'), resource,
      attributes: {
        'airflow.category': 'scheduler', 'airflow.task.task_id': 'load', 'airflow.task.dag_id': 'etl_daily', 'airflow.task.state': 'running',
        'airflow.task.executor_state': 'failed', 'airflow.task.error': true, 'airflow.task.try_number': 1,
      },
    });
    expect(describeRuns(modelTrace([airflow2[0]!, killed]))).toBe(
      [`run airflow "etl_daily" #${RUN_ID} failure 120000ms queue=2500ms`, '  step "load" failure 7000ms attempt=1'].join('\n'),
    );
  });
});
