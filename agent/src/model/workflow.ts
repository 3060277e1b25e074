import type { Attributes } from './otlp.js';

/**
 * The workflow model: what a user of a runner calls a workflow, a run and a step, whatever runner produced the
 * spans. Produced by src/normalise only; everything downstream (store, analysis, API) speaks these types.
 */

export type RunnerKind = 'cicd' | 'jenkins' | 'github-actions' | 'temporal' | 'airflow' | 'n8n' | 'argo' | 'generic';

export type RunStatus = 'success' | 'failure' | 'error' | 'timeout' | 'cancelled' | 'skipped' | 'running';

/** The statuses of a run or step that failed. */
export const FAILED_STATUSES: readonly RunStatus[] = ['failure', 'error', 'timeout'];
const FAILED: ReadonlySet<RunStatus> = new Set(FAILED_STATUSES);

export function isFailed(status: RunStatus): boolean {
  return FAILED.has(status);
}

/** The ids of the steps of `run` that a failed step runs inside: a suite fails along with its test. */
export function failingParents(run: Pick<RunRecord, 'steps'>): Set<string> {
  const parents = new Set<string>();
  for (const step of run.steps) if (step.parentId !== undefined && isFailed(step.status)) parents.add(step.parentId);
  return parents;
}

/**
 * Tries of a step beyond its first within its run. A step's attempt above its run's: GitHub Actions gives a re-run's
 * jobs the run's own attempt, which is no retry of the step.
 */
export function extraTries(step: Pick<Outcome, 'attempt'>, run: Pick<Outcome, 'attempt'>): number {
  return Math.max(0, (step.attempt ?? 1) - (run.attempt ?? 1));
}

/** A step that passed, but only after more than one try within its run: a failure its retry hid. */
export function passedOnRetry(step: Pick<Outcome, 'status' | 'attempt'>, run: Pick<Outcome, 'attempt'>): boolean {
  return step.status === 'success' && extraTries(step, run) > 0;
}

/** How long a step worked: its time, without its wait for a worker when the wait is part of it. */
export function workMs(step: Pick<StepRecord, 'durationMs' | 'queueMs' | 'queueWithin'>): number {
  return step.queueWithin && step.queueMs !== undefined ? Math.max(0, step.durationMs - step.queueMs) : step.durationMs;
}

/**
 * How long a run waited for workers, as a clock on the wall would: the time in which the run itself or at least one
 * of its steps waited (waits side by side count once). A wait is the time between work being ready and a worker
 * taking it, as runners report it (Airflow's `queued_dttm` to `start_date`, Temporal's schedule to start, GitHub
 * Actions' job created to started, a CI/CD queue span). Undefined when its runner reports none.
 */
export function waitedMs(run: Pick<RunRecord, 'runner' | 'startMs' | 'queueMs' | 'steps'>): number | undefined {
  let waits = stepWaits(run.steps);
  if (run.queueMs !== undefined) {
    // Temporal's RunWorkflow span begins when a worker took the workflow; other runners' run spans when it was queued.
    const fromMs = run.runner === 'temporal' ? run.startMs - run.queueMs : run.startMs;
    (waits ??= []).push([fromMs, fromMs + run.queueMs]);
  }
  return waits && unionMs(waits);
}

/** The time in which at least one of `steps` waited for a worker, or undefined when none reports a wait. */
export function stepsWaitedMs(steps: readonly StepRecord[]): number | undefined {
  const waits = stepWaits(steps);
  return waits && unionMs(waits);
}

/** When each step that reports a wait waited; undefined when none does (most runners: no array made). */
function stepWaits(steps: readonly StepRecord[]): [number, number][] | undefined {
  let waits: [number, number][] | undefined;
  for (const step of steps) {
    if (step.queueMs === undefined) continue;
    // A wait said to lie within the step cannot outlast it (clocks of different machines disagree).
    const queueMs = step.queueWithin ? Math.min(step.queueMs, step.durationMs) : step.queueMs;
    const startedMs = step.queueWithin ? step.startMs + queueMs : step.startMs;
    (waits ??= []).push([startedMs - queueMs, startedMs]);
  }
  return waits;
}

function unionMs(waits: [number, number][]): number {
  waits.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = waits[0]!;
  for (const [start, end] of waits) {
    if (start > to) {
      total += to - from;
      from = start;
    }
    to = Math.max(to, end);
  }
  return total + (to - from);
}

/** Runs that ended in success or failure; cancelled, skipped, running and unknown runs say nothing about health. */
export function isDecided(status: RunStatus): boolean {
  return status === 'success' || isFailed(status);
}

/** A call a step made to something outside the workflow (HTTP, database, RPC, messaging). */
export interface Downstream {
  /** What a person would name it: `peer.service`, `server.address[:port]`, `db.system`, or the URL's host. */
  name: string;
  kind: 'http' | 'db' | 'rpc' | 'messaging' | 'other';
  calls: number;
  errors: number;
  durationMs: number;
}

/** What a run or a step did: its outcome, when, how long it waited and ran, and the error it ended with. */
export interface Outcome {
  status: RunStatus;
  startMs: number;
  endMs: number;
  durationMs: number;
  queueMs?: number;
  attempt?: number;
  errorType?: string;
  errorMessage?: string;
}

export interface StepRecord extends Outcome {
  /** Its time (startMs to endMs) includes its wait for a worker: it began when its work was queued (Temporal's activities, Airflow's tasks). */
  queueWithin?: true;
  /** Stable within its run: the span id of the span that stands for the step. */
  id: string;
  name: string;
  /** Id of the enclosing step, absent for top-level steps. */
  parentId?: string;
  attributes: Attributes;
  downstream: Downstream[];
  /** Every span folded into this step (wrappers, client calls), for attaching logs. */
  spanIds: string[];
  /** A step that passed on a later try: the error of its first failed try (message, else type), when it gave one. */
  retryError?: string;
}

export interface RunRecord extends Outcome {
  /** Stable across re-sends and re-modelling: derived from runner, workflow and run id (or trace and span id). */
  id: string;
  workflow: string;
  runner: RunnerKind;
  /** The runner's own run id (GitHub run id, Temporal run id, Airflow run id…), else the trace id. */
  runId: string;
  traceId: string;
  /** Span id of the span that stands for the run ('' when the run is inferred from its steps). */
  spanId: string;
  /** Resource attributes merged with the run span's attributes (the span's win). */
  attributes: Attributes;
  steps: StepRecord[];
}
