import type { OtlpSpan } from '../../model/otlp.js';
import type { RunStatus } from '../../model/workflow.js';
import { attemptOf, firstText, msBetween, num, text, waitBetween } from '../attributes.js';
import type { RunIdentity, RunnerDetector } from '../detector.js';
import { statusFromSpan, statusFromWord } from '../status.js';

/**
 * Apache Airflow. 2.x: DAG-run span named after the DAG (`airflow.dag_run.*`), task spans named after the task
 * (`airflow.task.*`). 3: `dag_run.<dag_id>` and `task_run.<task_id>[map index]` (`airflow.dag_id`,
 * `airflow.task_id`, `airflow.task_instance.*`); the DAG-run span is sent only when the run completes, so
 * until then the run is inferred from its tasks. Retries are task spans of the same name; the instances of a
 * mapped task are steps of their own, named `<task>[<map index>]` as Airflow 3 names their spans.
 */
export const airflow: RunnerDetector = {
  runner: 'airflow',
  mergesRetries: true,
  runOf(span) {
    const v3 = span.name.startsWith('dag_run.');
    const dag = v3 ? firstText(span, ['airflow.dag_id', 'airflow.dag_run.dag_id']) ?? span.name.slice(8) : text(span, 'airflow.dag_run.dag_id');
    if (dag === undefined || (!v3 && !isDagRun(span, dag))) return undefined;
    return {
      workflow: dag,
      runId: text(span, 'airflow.dag_run.run_id') ?? '',
      status:
        statusFromWord('airflow', text(span, 'airflow.dag_run.state')) ??
        (text(span, 'airflow.dag_run.error') === 'true' ? 'failure' : statusFromSpan(span)),
      queueMs: msBetween(span, 'airflow.dag_run.queued_at', 'airflow.dag_run.run_start_date'),
    };
  },
  inferRunOf({ span }): RunIdentity | undefined {
    if (span.name.startsWith('task_run.')) {
      const dag = text(span, 'airflow.dag_id');
      const runId = text(span, 'airflow.dag_run.run_id');
      return dag !== undefined && runId !== undefined ? { workflow: dag, runId } : undefined;
    }
    const dag = text(span, 'airflow.task.dag_id');
    const runId = logUrlParam(text(span, 'airflow.task.log_url'), 'dag_run_id');
    return dag !== undefined && runId !== undefined ? { workflow: dag, runId } : undefined;
  },
  roleOf(span, context) {
    if (span.name.startsWith('task_run.')) return { kind: 'step', name: span.name.slice(9) };
    const task = text(span, 'airflow.task.task_id') ?? (context.atRunLevel ? text(span, 'airflow.task_id') : undefined);
    if (task === undefined) return { kind: 'auto' };
    const mapIndex = num(span, 'airflow.task_instance.map_index') ?? Number.parseInt(logUrlParam(text(span, 'airflow.task.log_url'), 'map_index') ?? '', 10);
    return { kind: 'step', name: mapIndex >= 0 ? `${task}[${mapIndex}]` : task };
  },
  claims: (span) => span.resource['service.name'] === 'Airflow' || text(span, 'airflow.category') !== undefined,
  stepOf: (span) => ({
    status: taskStatus(span),
    attempt: attemptOf(span, 'airflow.task_instance.try_number') ?? attemptOf(span, 'airflow.task.try_number'),
    ...waitBetween(span, 'airflow.task.queued_dttm', 'airflow.task.start_date'),
  }),
};

/**
 * A task's state, else its span's status. The 2.x scheduler ends the span of a task killed outside Airflow while
 * the task instance still reads `running`: the executor's state (and `airflow.task.error`) then tell how it ended.
 */
function taskStatus(span: OtlpSpan): RunStatus {
  const state = statusFromWord('airflow', firstText(span, ['airflow.task_instance.state', 'airflow.task.state']));
  if (state === undefined) return statusFromSpan(span);
  if (state !== 'running') return state;
  const executor = statusFromWord('airflow', text(span, 'airflow.task.executor_state'));
  if (executor !== undefined && executor !== 'running') return executor;
  return text(span, 'airflow.task.error') === 'true' ? 'failure' : state;
}

/**
 * 2.x names its DAG-run span after the DAG and marks it with a category; scheduler spans (`_schedule_dag_run`…)
 * also carry `airflow.dag_run.*` but neither.
 */
function isDagRun(span: OtlpSpan, dag: string): boolean {
  if (text(span, 'airflow.task.task_id') !== undefined || text(span, 'airflow.task_id') !== undefined) return false;
  return span.name === dag || text(span, 'airflow.category') === 'DAG runs' || span.parentSpanId === '';
}

/** Airflow 2 task spans carry their run id and map index only inside the log URL (`…?dag_run_id=<id>&…&map_index=<i>&…`). */
function logUrlParam(url: string | undefined, name: string): string | undefined {
  if (url === undefined) return undefined;
  const at = url.indexOf(`${name}=`);
  if (at < 0) return undefined;
  const from = at + name.length + 1;
  const end = url.indexOf('&', from);
  try {
    return decodeURIComponent(url.slice(from, end < 0 ? undefined : end));
  } catch {
    return undefined;
  }
}
