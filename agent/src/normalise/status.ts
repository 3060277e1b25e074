import type { OtlpSpan } from '../model/otlp.js';
import { StatusCode } from '../model/otlp.js';
import type { RunnerKind, RunStatus } from '../model/workflow.js';

/**
 * Every runner's result vocabulary, mapped to the model's statuses in one place. Keys are lower-case with
 * spaces and dashes as underscores; runner tables override the common one where a word means something else
 * there (n8n's `error` is a failed execution; Jenkins' UNSTABLE is a build with failing tests).
 */
const COMMON: Record<string, RunStatus> = {
  success: 'success',
  succeeded: 'success',
  successful: 'success',
  ok: 'success',
  passed: 'success',
  pass: 'success',
  failure: 'failure',
  failed: 'failure',
  fail: 'failure',
  error: 'error',
  errored: 'error',
  timeout: 'timeout',
  timed_out: 'timeout',
  timedout: 'timeout',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  cancellation: 'cancelled',
  cancel: 'cancelled',
  aborted: 'cancelled',
  terminated: 'cancelled',
  skipped: 'skipped',
  skip: 'skipped',
  running: 'running',
  in_progress: 'running',
  queued: 'running',
  pending: 'running',
  waiting: 'running',
  scheduled: 'running',
};

const BY_RUNNER: Partial<Record<RunnerKind, Record<string, RunStatus>>> = {
  jenkins: { unstable: 'failure', not_built: 'skipped', not_executed: 'skipped' },
  'github-actions': {
    neutral: 'success',
    action_required: 'failure',
    stale: 'cancelled',
    startup_failure: 'error',
  },
  airflow: {
    upstream_failed: 'skipped',
    up_for_retry: 'failure',
    up_for_reschedule: 'running',
    removed: 'skipped',
    shutdown: 'cancelled',
    restarting: 'running',
    deferred: 'running',
    none: 'running',
  },
  n8n: { error: 'failure', crashed: 'error', new: 'running', unknown: 'error', workflow_cancelled: 'cancelled' },
  argo: { omitted: 'skipped', unexpected_phase: 'skipped' },
};

/** A runner's result word as a status, or undefined when the word is not a result (e.g. GitHub's `completed`). */
export function statusFromWord(runner: RunnerKind, word: string | undefined): RunStatus | undefined {
  if (word === undefined) return undefined;
  const lower = word.toLowerCase();
  const table = BY_RUNNER[runner];
  const found = table?.[lower] ?? COMMON[lower];
  if (found !== undefined) return found;
  const key = lower.trim().replace(/[\s-]+/g, '_');
  return key === lower ? undefined : (table?.[key] ?? COMMON[key]);
}

/** The OTel span status as a result: ERROR is a failure, anything else a success (exported spans have ended). */
export function statusFromSpan(span: OtlpSpan): RunStatus {
  return span.statusCode === StatusCode.ERROR ? 'failure' : 'success';
}

/** Statuses whose records carry an error origin. */
export function isFailing(status: RunStatus): boolean {
  return status === 'failure' || status === 'error' || status === 'timeout' || status === 'cancelled';
}
