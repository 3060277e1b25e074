import type { Attributes } from '../model/otlp.js';
import type { Downstream, RunRecord, RunStatus, RunnerKind, StepRecord } from '../model/workflow.js';
import { seededRandom, type Random } from '../analyse/prng.js';

/**
 * A seeded generator of realistic runner telemetry, already modelled as runs and steps: seventeen workflows with
 * jittered step durations, resource attributes (service.version, host.name, tenant, region) and downstream calls,
 * plus transient failures with varied messages everywhere (1 % by default). Each fault kind injects one known problem in the
 * last days, so tests, benchmarks and the demo share one ground truth.
 */

export type FaultKind =
  | 'slow_step'
  | 'downstream_timeout'
  | 'auth_failure'
  | 'bad_release'
  | 'tenant_validation'
  | 'oom_host'
  | 'duration_creep'
  | 'stalled_schedule'
  | 'hung_run'
  | 'flaky_step'
  | 'worker_shortage'
  | 'retrying_worker';

export const allFaults: readonly FaultKind[] = [
  'slow_step',
  'downstream_timeout',
  'auth_failure',
  'bad_release',
  'tenant_validation',
  'oom_host',
  'duration_creep',
  'stalled_schedule',
  'hung_run',
  'flaky_step',
  'worker_shortage',
  'retrying_worker',
];

export interface ScenarioOptions {
  seed: number;
  /** Event time of the first run (ms). */
  startMs: number;
  days: number;
  faults: readonly FaultKind[];
  /** Multiplies every workflow's run rate (1 ≈ 770 runs a day); benchmarks use it to reach 100k runs. */
  scale?: number;
  /** Share of runs that fail transiently with a varied message (default 0.01). */
  noise?: number;
}

/** The workflows each fault breaks (the two healthy ones, `lint` and `docs-build`, are never broken). */
export const faultWorkflows: Readonly<Record<FaultKind, readonly string[]>> = {
  slow_step: ['build-and-test'],
  downstream_timeout: ['payments-sync', 'invoice-export'],
  auth_failure: ['crm-sync'],
  bad_release: ['order-pipeline'],
  tenant_validation: ['tenant-import'],
  oom_host: ['ml-training'],
  duration_creep: ['warehouse-load'],
  stalled_schedule: ['backup-hourly'],
  hung_run: ['nightly-report'],
  flaky_step: ['search-reindex'],
  worker_shortage: ['partner-feeds', 'geo-enrich'],
  retrying_worker: ['shipment-tracking'],
};

/** Workflows a fault runs in without breaking them: the backfill that fills the pool the others wait on. */
const faultCauses: Readonly<Partial<Record<FaultKind, readonly string[]>>> = {
  worker_shortage: ['orders-backfill'],
};

export const healthyWorkflows: readonly string[] = ['lint', 'docs-build'];

/**
 * When the faults start, relative to the end of the scenario (the stalled schedule stops 12 h before the end; the
 * flaky step is flaky throughout, as such steps usually are).
 */
export const faultLeadMs = 2 * 86_400_000;

interface StepSpec {
  name: string;
  p50Ms: number;
  downstream?: { name: string; kind: Downstream['kind'] };
}

interface WorkflowSpec {
  name: string;
  runner: RunnerKind;
  service: string;
  /** Mean time between runs. */
  intervalMs: number;
  /** Scheduled (cron-like, regular) or triggered (Poisson arrivals). */
  scheduled: boolean;
  steps: StepSpec[];
  /** The Airflow pool its tasks wait in for a worker slot: only these steps report a wait. */
  pool?: string;
}

const MIN = 60_000;
const HOSTS = ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5'];
const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];
const REGIONS = ['eu-west-1', 'us-east-1'];

const workflows: WorkflowSpec[] = [
  {
    name: 'build-and-test', runner: 'github-actions', service: 'ci', intervalMs: 20 * MIN, scheduled: false,
    steps: [{ name: 'checkout', p50Ms: 4000 }, { name: 'install', p50Ms: 25_000, downstream: { name: 'registry.npmjs.org', kind: 'http' } }, { name: 'build', p50Ms: 10_000 }, { name: 'test', p50Ms: 40_000 }],
  },
  {
    name: 'payments-sync', runner: 'temporal', service: 'billing-worker', intervalMs: 15 * MIN, scheduled: true,
    steps: [{ name: 'load-batch', p50Ms: 2000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'charge', p50Ms: 6000, downstream: { name: 'payments-api.internal', kind: 'http' } }, { name: 'record', p50Ms: 1500, downstream: { name: 'postgres', kind: 'db' } }],
  },
  {
    name: 'invoice-export', runner: 'airflow', service: 'invoicing', intervalMs: 30 * MIN, scheduled: true,
    steps: [{ name: 'collect', p50Ms: 8000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'settle', p50Ms: 5000, downstream: { name: 'payments-api.internal', kind: 'http' } }, { name: 'upload', p50Ms: 3000, downstream: { name: 's3.eu-west-1.amazonaws.com', kind: 'http' } }],
  },
  {
    name: 'crm-sync', runner: 'n8n', service: 'crm-bridge', intervalMs: 30 * MIN, scheduled: true,
    steps: [{ name: 'fetch-contacts', p50Ms: 3000, downstream: { name: 'api.crm.example.com', kind: 'http' } }, { name: 'merge', p50Ms: 1000 }, { name: 'push', p50Ms: 2000, downstream: { name: 'postgres', kind: 'db' } }],
  },
  {
    name: 'order-pipeline', runner: 'argo', service: 'orders', intervalMs: 20 * MIN, scheduled: false,
    steps: [{ name: 'ingest', p50Ms: 3000, downstream: { name: 'kafka', kind: 'messaging' } }, { name: 'transform', p50Ms: 7000 }, { name: 'publish', p50Ms: 2000, downstream: { name: 'kafka', kind: 'messaging' } }],
  },
  {
    name: 'tenant-import', runner: 'airflow', service: 'importer', intervalMs: 15 * MIN, scheduled: false,
    steps: [{ name: 'download', p50Ms: 4000, downstream: { name: 'sftp.partners.example.com', kind: 'other' } }, { name: 'validate', p50Ms: 2000 }, { name: 'load', p50Ms: 9000, downstream: { name: 'postgres', kind: 'db' } }],
  },
  {
    name: 'ml-training', runner: 'argo', service: 'trainer', intervalMs: 30 * MIN, scheduled: false,
    steps: [{ name: 'fetch-data', p50Ms: 30_000, downstream: { name: 's3.eu-west-1.amazonaws.com', kind: 'http' } }, { name: 'train', p50Ms: 300_000 }, { name: 'evaluate', p50Ms: 40_000 }],
  },
  {
    name: 'warehouse-load', runner: 'airflow', service: 'warehouse', intervalMs: 30 * MIN, scheduled: true,
    steps: [{ name: 'extract', p50Ms: 40_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'load', p50Ms: 120_000, downstream: { name: 'bigquery.googleapis.com', kind: 'http' } }, { name: 'vacuum', p50Ms: 20_000 }],
  },
  {
    name: 'backup-hourly', runner: 'cicd', service: 'backup', intervalMs: 60 * MIN, scheduled: true,
    steps: [{ name: 'snapshot', p50Ms: 20_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'upload', p50Ms: 15_000, downstream: { name: 's3.eu-west-1.amazonaws.com', kind: 'http' } }],
  },
  {
    name: 'lint', runner: 'github-actions', service: 'ci', intervalMs: 10 * MIN, scheduled: false,
    steps: [{ name: 'checkout', p50Ms: 4000 }, { name: 'install', p50Ms: 20_000, downstream: { name: 'registry.npmjs.org', kind: 'http' } }, { name: 'eslint', p50Ms: 15_000 }],
  },
  {
    name: 'docs-build', runner: 'jenkins', service: 'docs', intervalMs: 30 * MIN, scheduled: true,
    steps: [{ name: 'checkout', p50Ms: 5000 }, { name: 'render', p50Ms: 30_000 }, { name: 'deploy', p50Ms: 8000, downstream: { name: 'cdn.example.com', kind: 'http' } }],
  },
  // Last, so that adding it left every other workflow's runs as they were (one random sequence for all).
  {
    name: 'nightly-report', runner: 'airflow', service: 'reporting', intervalMs: 360 * MIN, scheduled: true,
    steps: [{ name: 'query', p50Ms: 90_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'render', p50Ms: 40_000 }, { name: 'email', p50Ms: 3000, downstream: { name: 'smtp.example.com', kind: 'other' } }],
  },
  // After nightly-report for the same reason.
  {
    name: 'search-reindex', runner: 'airflow', service: 'search', intervalMs: 30 * MIN, scheduled: true,
    steps: [{ name: 'snapshot', p50Ms: 20_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'build-index', p50Ms: 60_000 }, { name: 'swap-alias', p50Ms: 2000 }],
  },
  // Last, for the same reason: two DAGs sharing the `etl` pool, whose tasks report how long they waited for a slot.
  {
    name: 'partner-feeds', runner: 'airflow', service: 'feeds', intervalMs: 20 * MIN, scheduled: true, pool: 'etl',
    steps: [{ name: 'fetch', p50Ms: 15_000, downstream: { name: 'sftp.partners.example.com', kind: 'other' } }, { name: 'normalise', p50Ms: 20_000 }, { name: 'publish', p50Ms: 5000, downstream: { name: 'kafka', kind: 'messaging' } }],
  },
  {
    name: 'geo-enrich', runner: 'airflow', service: 'geo', intervalMs: 30 * MIN, scheduled: true, pool: 'etl',
    steps: [{ name: 'extract', p50Ms: 10_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'enrich', p50Ms: 40_000 }],
  },
  // Another team's backfill in the same pool, triggered in bulk: with the worker shortage, it starts at the onset.
  {
    name: 'orders-backfill', runner: 'airflow', service: 'orders-archive', intervalMs: 4 * MIN, scheduled: false, pool: 'etl',
    steps: [{ name: 'copy-partition', p50Ms: 90_000, downstream: { name: 'postgres', kind: 'db' } }, { name: 'verify', p50Ms: 10_000 }],
  },
  {
    name: 'shipment-tracking', runner: 'airflow', service: 'logistics-worker', intervalMs: 15 * MIN, scheduled: true,
    steps: [{ name: 'poll-carrier', p50Ms: 3000, downstream: { name: 'api.carrier.example.com', kind: 'http' } }, { name: 'update-eta', p50Ms: 1500, downstream: { name: 'postgres', kind: 'db' } }, { name: 'notify', p50Ms: 800, downstream: { name: 'kafka', kind: 'messaging' } }],
  },
];

/** Transient failures a healthy workflow shows now and then: varied messages, no common cause. */
const transientMessages: ((r: Random) => string)[] = [
  (r) => `ECONNRESET: socket hang up after ${Math.floor(r() * 900 + 100)} bytes`,
  (r) => `runner lost communication with the server (job ${Math.floor(r() * 1e6)})`,
  (r) => `exit status ${1 + Math.floor(r() * 3)}: flaky assertion in spec ${Math.floor(r() * 40)}`,
  (r) => `lock file is held by pid ${Math.floor(r() * 30_000)}`,
  (r) => `checksum mismatch for artifact cache entry ${hex(r, 8)}`,
  (r) => `unexpected EOF while reading from pipe ${Math.floor(r() * 16)}`,
];

interface StepError {
  message: string;
  type: string;
  status: RunStatus;
  durationMs?: number;
  downstreamError?: string;
  /** Attempts the runner made before giving up. */
  attempts?: number;
}

interface Fault {
  /** Returns the error of step `step` of this run, with how long the step took, or undefined. */
  fail?(ctx: RunContext, step: StepSpec): StepError | undefined;
  /** How many tries a step that passes took (1 when it passed at once). */
  tries?(ctx: RunContext, step: StepSpec): number;
  /** Multiplies a step's duration. */
  slow?(ctx: RunContext, step: StepSpec): number;
  /** Multiplies how long a step waits for a worker slot. */
  waits?(ctx: RunContext): number;
  attributes?(ctx: RunContext): Attributes;
  /** False when the run should not happen at all. */
  runs?(ctx: RunContext): boolean;
  /** True when the run's runner dies in its second step: the run never ends, and only its first step is sent. */
  hangs?(ctx: RunContext): boolean;
}

interface RunContext {
  spec: WorkflowSpec;
  startMs: number;
  /** End of the scenario: faults are placed relative to it. */
  endMs: number;
  /** 0 at the start of the scenario, 1 at its end. */
  progress: number;
  afterOnset: boolean;
  host: string;
  tenant: string;
  rand: Random;
}

const faults: Record<FaultKind, Fault> = {
  slow_step: { slow: (c, s) => (c.afterOnset && s.name === 'build' ? 6 : 1) },
  downstream_timeout: {
    fail: (c, s) =>
      c.afterOnset && s.downstream?.name === 'payments-api.internal' && c.rand() < 1 / 3
        ? { message: `POST https://payments-api.internal/v1/charges: context deadline exceeded after 30000 ms (request ${hex(c.rand, 12)})`, type: 'DeadlineExceeded', status: 'timeout', durationMs: 30_000, downstreamError: s.downstream.name, attempts: 3 }
        : undefined,
  },
  auth_failure: {
    fail: (c, s) =>
      c.startMs >= c.endMs - faultLeadMs / 2 && s.name === 'fetch-contacts'
        ? { message: `401 Unauthorized: invalid credentials for service account crm-bot (token expired at ${new Date(c.endMs - faultLeadMs / 2).toISOString()})`, type: 'AuthenticationError', status: 'failure', durationMs: 300, downstreamError: s.downstream?.name }
        : undefined,
  },
  bad_release: {
    attributes: (c) => {
      const version = c.afterOnset ? '2.4.0' : c.progress < 0.35 ? '2.3.0' : '2.3.1';
      return { 'service.version': version, 'vcs.ref.head.revision': revisions[version]! };
    },
    fail: (c, s) =>
      c.afterOnset && s.name === 'transform' && c.rand() < 0.7
        ? { message: `TypeError: Cannot read properties of undefined (reading 'sku') at mapLine (transform.js:${40 + Math.floor(c.rand() * 3)})`, type: 'TypeError', status: 'error' }
        : undefined,
  },
  tenant_validation: {
    fail: (c, s) =>
      c.afterOnset && c.tenant === 'globex' && s.name === 'validate' && c.rand() < 0.8
        ? { message: `ValidationError: field 'email' does not match schema in row ${Math.floor(c.rand() * 5000)} of batch ${hex(c.rand, 6)}`, type: 'ValidationError', status: 'failure' }
        : undefined,
  },
  oom_host: {
    fail: (c, s) =>
      c.afterOnset && c.host === 'worker-3' && s.name === 'train' && c.rand() < 0.75
        ? { message: `container train killed: OOMKilled (exit code 137), memory limit 4Gi exceeded`, type: 'OOMKilled', status: 'error' }
        : undefined,
  },
  // From 200 s to ~390 s over the whole scenario: breaks a 99 % / 300 s SLO in the last third.
  duration_creep: { slow: (c, s) => (s.name === 'load' ? 1 + 1.6 * c.progress : 1) },
  stalled_schedule: { runs: (c) => c.startMs < c.endMs - 12 * 3600_000 },
  // The one run (every 6 h) that starts between 7 h and 1 h before the end: hung for at least an hour at the end.
  hung_run: { hangs: (c) => c.startMs >= c.endMs - 7 * 3600_000 && c.startMs < c.endMs - 3600_000 },
  // A race between the index build and the segment merger: one build in ten fails, one in six passes on a retry.
  flaky_step: {
    fail: (c, s) =>
      s.name === 'build-index' && c.rand() < 0.1
        ? { message: `ConcurrentModificationException: segment _${hex(c.rand, 3)} was merged while being read (generation ${1800 + Math.floor(c.rand() * 100)})`, type: 'ConcurrentModificationException', status: 'failure', attempts: 2 }
        : undefined,
    tries: (c, s) => (s.name === 'build-index' && c.rand() < 0.18 ? 2 : 1),
  },
  // Another team's backfill took most of the shared pool's slots: tasks wait minutes for a slot, not seconds.
  worker_shortage: { waits: (c) => (c.afterOnset ? 100 : 1), runs: (c) => c.spec.name !== 'orders-backfill' || c.afterOnset },
  // One worker's database connections went stale: the activity's first try there often fails, and its retry passes.
  retrying_worker: { tries: (c, s) => (c.afterOnset && c.host === 'worker-2' && s.name === 'update-eta' && c.rand() < 0.7 ? 2 : 1) },
};

const revisions: Record<string, string> = {
  '2.3.0': '9c1e4f2a7b3d5e6f8a9b0c1d2e3f4a5b6c7d8e9f',
  '2.3.1': '3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a',
  '2.4.0': 'e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d5c4b',
};

function hex(rand: Random, length: number): string {
  let s = '';
  while (s.length < length) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, length);
}

/** Standard normal draw (Box–Muller). */
function gaussian(rand: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function generateScenario(options: ScenarioOptions): RunRecord[] {
  const { seed, startMs, days, faults: active } = options;
  const scale = options.scale ?? 1;
  const endMs = startMs + days * 86_400_000;
  const rand = seededRandom(seed);
  const runs: RunRecord[] = [];
  for (const spec of workflows) {
    // A workflow that only makes a fault (the backfill) runs only with it.
    if (allFaults.some((f) => faultCauses[f]?.includes(spec.name) && !active.includes(f))) continue;
    const applied = active.filter((f) => faultWorkflows[f].includes(spec.name) || faultCauses[f]?.includes(spec.name)).map((f) => faults[f]);
    const interval = spec.intervalMs / scale;
    let n = 0;
    for (let t = startMs + rand() * interval; t < endMs; t += spec.scheduled ? interval : -Math.log(1 - rand()) * interval) {
      // Scheduled runs start on the tick plus a little scheduler jitter.
      const runStart = spec.scheduled ? t + rand() * 20_000 : t;
      const ctx: RunContext = {
        spec,
        startMs: runStart,
        endMs,
        progress: (runStart - startMs) / (endMs - startMs),
        afterOnset: runStart >= endMs - faultLeadMs,
        host: HOSTS[Math.floor(rand() * HOSTS.length)]!,
        tenant: TENANTS[Math.floor(rand() * TENANTS.length)]!,
        rand,
      };
      if (applied.some((f) => f.runs && !f.runs(ctx))) continue;
      const built = buildRun(ctx, applied, n++, options.noise ?? 0.01);
      const run = applied.some((f) => f.hangs?.(ctx)) ? hung(built) : built;
      // Runs still going at the end are not seen yet: a receiver only learns of a run when its span ends.
      if (run.endMs <= endMs) runs.push(run);
    }
  }
  return runs;
}

/** A run whose runner died during its second step: still running, with only its first step to show. */
function hung(run: RunRecord): RunRecord {
  const steps = run.steps.slice(0, 1).map((step) => ({ ...step, status: 'success' as const, errorType: undefined, errorMessage: undefined }));
  const endMs = steps[0]!.endMs;
  return { ...run, status: 'running', steps, endMs, durationMs: endMs - run.startMs, errorType: undefined, errorMessage: undefined };
}

function buildRun(ctx: RunContext, applied: Fault[], n: number, noise: number): RunRecord {
  const { spec, rand } = ctx;
  const traceId = hex(rand, 32);
  const queueMs = 500 + rand() * 4000;
  const noisyStep = rand() < noise ? Math.floor(rand() * spec.steps.length) : -1;
  let cursor = ctx.startMs + queueMs;
  const steps: StepRecord[] = [];
  let runError: StepError | undefined;
  for (const [i, s] of spec.steps.entries()) {
    const factor = applied.reduce((f, fault) => f * (fault.slow?.(ctx, s) ?? 1), 1);
    // Tasks of a pooled DAG wait for a slot first: a second or two, unless the pool is short. As Airflow traces them,
    // a task's time runs from when it was queued, its wait included.
    const waitMs = spec.pool === undefined ? undefined : 2000 * applied.reduce((f, fault) => f * (fault.waits?.(ctx) ?? 1), 1) * Math.exp(0.5 * gaussian(rand));
    let durationMs = s.p50Ms * factor * Math.exp(0.12 * gaussian(rand));
    let error = applied.map((f) => f.fail?.(ctx, s)).find((e) => e !== undefined);
    if (!error && i === noisyStep) {
      error = { message: transientMessages[Math.floor(rand() * transientMessages.length)]!(rand), type: 'Error', status: 'failure' };
    }
    if (error?.durationMs !== undefined) durationMs = error.durationMs * Math.exp(0.02 * gaussian(rand));
    // Calls to a downstream sometimes need a second attempt, which succeeds: ordinary, healthy retries.
    const tries = error ? 1 : applied.reduce((n, fault) => Math.max(n, fault.tries?.(ctx, s) ?? 1), 1);
    const attempt = error?.attempts ?? (tries > 1 ? tries : s.downstream && rand() < 0.02 ? 2 : 1);
    if (attempt > 1 && !error) durationMs *= 1.5;
    const downstream: Downstream[] = s.downstream
      ? [{ ...s.downstream, calls: 1 + Math.floor(rand() * 3), errors: error?.downstreamError === s.downstream.name ? 1 : 0, durationMs: durationMs * 0.8 }]
      : [];
    steps.push({
      id: hex(rand, 16),
      name: s.name,
      status: error ? error.status : 'success',
      startMs: cursor,
      endMs: cursor + (waitMs ?? 0) + durationMs,
      durationMs: (waitMs ?? 0) + durationMs,
      attempt,
      ...(waitMs !== undefined && { queueMs: waitMs, queueWithin: true }),
      errorType: error?.type,
      errorMessage: error?.message,
      attributes: spec.pool === undefined ? {} : { 'airflow.task.pool': spec.pool },
      downstream,
      spanIds: [],
    });
    cursor += (waitMs ?? 0) + durationMs;
    if (error) {
      runError = error;
      break;
    }
  }
  const attributes: Attributes = {
    'service.name': spec.service,
    'service.version': '1.8.2',
    'vcs.ref.head.revision': '5b7f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7',
    'host.name': ctx.host,
    'k8s.node.name': ctx.host,
    'cloud.region': REGIONS[n % REGIONS.length]!,
    tenant: ctx.tenant,
    'cicd.pipeline.run.id': `${spec.name}-${n}`,
  };
  for (const f of applied) Object.assign(attributes, f.attributes?.(ctx));
  for (const s of steps) s.spanIds.push(s.id);
  return {
    id: `${spec.runner}:${spec.name}:${n}`,
    workflow: spec.name,
    runner: spec.runner,
    runId: `${spec.name}-${n}`,
    traceId,
    spanId: hex(rand, 16),
    status: runError ? runError.status : 'success',
    startMs: ctx.startMs,
    endMs: cursor,
    durationMs: cursor - ctx.startMs,
    queueMs,
    attempt: 1,
    errorType: runError?.type,
    errorMessage: runError?.message,
    attributes,
    steps,
  };
}
