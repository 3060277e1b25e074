import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import { waitedMs, type RunRecord, type RunnerKind, type StepRecord } from '../../src/model/workflow.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const MIN = 60_000;

interface Shape {
  /** The activity's wait for a worker, and its work, in ms, for run i. */
  waitMs(i: number): number;
  workMs(i: number): number;
  queue?: string;
  /** `notify`'s work (2 s by default). */
  notifyMs?(i: number): number;
  failed?(i: number): boolean;
}

/**
 * A Temporal workflow of two activities, every 10 minutes: `charge`, whose time (as Temporal's StartActivity span
 * gives it) includes its wait for a worker on its task queue, and `notify`.
 */
function temporalRuns(workflow: string, count: number, shape: Shape, seed = 3): RunRecord[] {
  const rand = seededRandom(seed);
  const jitter = () => Math.exp(0.1 * (rand() - 0.5));
  return Array.from({ length: count }, (_, i) => {
    const startMs = Date.UTC(2026, 10, 20) + i * 10 * MIN;
    const wait = shape.waitMs(i) * jitter();
    const charge = wait + shape.workMs(i) * jitter();
    const notify = (shape.notifyMs?.(i) ?? 2000) * jitter();
    const status = shape.failed?.(i) ? 'failure' : 'success';
    const attributes = shape.queue ? { 'temporal.task_queue': shape.queue } : {};
    return {
      id: `temporal:${workflow}:${i}`,
      workflow,
      runner: 'temporal',
      runId: `${workflow}-${i}`,
      traceId: `${workflow}-${i}`.padEnd(32, '0'),
      spanId: i.toString(16).padStart(16, '0'),
      status,
      startMs,
      endMs: startMs + charge + notify,
      durationMs: charge + notify,
      attributes: { 'service.name': 'billing-worker', 'host.name': `worker-${i % 3}` },
      steps: [
        { id: `c${i}`, name: 'charge', status: 'success', startMs, endMs: startMs + charge, durationMs: charge, queueMs: wait, queueWithin: true, attributes, downstream: [], spanIds: [`c${i}`] },
        { id: `n${i}`, name: 'notify', status, startMs: startMs + charge, endMs: startMs + charge + notify, durationMs: notify, queueMs: 20, queueWithin: true, attributes, downstream: [], spanIds: [`n${i}`] },
      ],
    } satisfies RunRecord;
  });
}

function findings(runs: RunRecord[]): FindingCandidate[] {
  return analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates;
}

const after = (onset: number, before: number, since: number) => (i: number) => (i < onset ? before : since);

describe('runs that wait longer for workers', () => {
  it('names the task queue and the activity that waits, and does not call the activity slower', () => {
    const runs = temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' });
    const all = findings(runs);
    const queue = all.filter((c) => c.kind === 'queue');
    expect(queue.map((c) => c.title)).toEqual([expect.stringMatching(/^Runs of `payments` wait (89|90|91) s for workers since 2026-11-21 01:00 UTC in temporal\.task_queue `billing` \(was 3\d\d ms\)$/)]);
    const c = queue[0]!;
    expect(c).toMatchObject({ severity: 'high', category: 'resource', rootCause: { step: 'charge', attributes: { 'temporal.task_queue': 'billing' } }, evidence: { affectedRuns: 50, totalRuns: 50 } });
    expect(c.evidence.onset).toBe(new Date(runs[150]!.startMs).toISOString());
    expect(c.summary).toMatch(/Waiting longer: step `charge` (89|90|91) s vs 3\d\d ms\./);
    expect(c.summary).not.toContain('`notify`');
    // `charge` takes 16× as long, all of it the wait: that is this finding, not a slowdown of the activity.
    expect(all.filter((x) => x.kind === 'anomaly')).toEqual([]);
  });

  it('still calls an activity slower when its work grew and its wait did not', () => {
    const all = findings(temporalRuns('payments', 200, { waitMs: () => 300, workMs: after(150, 6000, 60_000), queue: 'billing' }));
    expect(all.filter((x) => x.kind === 'queue')).toEqual([]);
    expect(all.filter((x) => x.kind === 'anomaly').map((x) => x.rootCause.step)).toEqual(['charge']);
  });

  it('finds a backlog that keeps growing after it began', () => {
    // Work arrives faster than the workers take it: each run waits 20 s longer than the one before.
    const all = findings(temporalRuns('payments', 200, { waitMs: (i) => (i < 160 ? 300 : 20_000 * (i - 159)), workMs: () => 6000 }));
    const c = all.find((x) => x.kind === 'queue');
    expect(c?.evidence.onset).toBe(new Date(Date.UTC(2026, 10, 20) + 160 * 10 * MIN).toISOString());
    expect(c?.rootCause.attributes).toEqual({});
    expect(c?.title).not.toContain(' in ');
    // Its times carry their zone, in the title as in the summary, as every finding's do.
    expect(c?.title).toContain('for workers since 2026-11-21 02:40 UTC (was');
    expect(c?.summary).toMatch(/^Since 2026-11-21 02:40 UTC runs of `payments` wait/);
    // No pool is named: the advice names the workflow whose workers are short.
    expect(c?.recommendations[0]!.title).toBe('Give `payments` the workers it needs, or find what took them');
    expect(c?.recommendations[0]!.steps[0]).toMatch(/^The work waits longer to start, not longer to run: check that the workers serving `payments` are up/);
  });

  it('says nothing of waits that grew by less than a second, or that came and went', () => {
    expect(findings(temporalRuns('payments', 200, { waitMs: after(150, 100, 800), workMs: () => 6000 })).filter((x) => x.kind === 'queue')).toEqual([]);
    const spike = (i: number) => (i >= 120 && i < 140 ? 90_000 : 300);
    expect(findings(temporalRuns('payments', 200, { waitMs: spike, workMs: () => 6000 })).filter((x) => x.kind === 'queue')).toEqual([]);
  });

  it('gives workflows waiting on one queue at the same time one finding, and those on other queues their own', () => {
    const runs = [
      ...temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' }, 1),
      ...temporalRuns('refunds', 200, { waitMs: after(152, 300, 60_000), workMs: () => 4000, queue: 'billing' }, 2),
      ...temporalRuns('emails', 200, { waitMs: after(150, 300, 60_000), workMs: () => 4000, queue: 'notifications' }, 4),
    ];
    const queue = findings(runs).filter((c) => c.kind === 'queue');
    expect(queue.map((c) => [c.workflows ?? [c.workflow], c.rootCause.attributes['temporal.task_queue']])).toEqual(
      expect.arrayContaining([
        [['payments', 'refunds'], 'billing'],
        [['emails'], 'notifications'],
      ]),
    );
    expect(queue).toHaveLength(2);
    const billing = queue.find((c) => c.workflows)!;
    // Neither took more of the queue than before: no one is named as filling it.
    expect(billing.evidence.details!['demand']).toBeUndefined();
    expect(billing.title).toMatch(/^2 workflows wait for workers since .*: `(payments|refunds)` .*, `(payments|refunds)` /);
    expect(billing.summary).toMatch(/ Also waiting in temporal\.task_queue `billing`: `refunds` (59|60|61) s vs 3\d\d ms since 2026-11-21 01:20 UTC\./);
  });

  it('names the workflow that began to fill the queue when the wait rose, and not those that kept to their share', () => {
    const runs = [
      ...temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' }, 1),
      ...temporalRuns('ledger', 200, { waitMs: () => 300, workMs: () => 4000, queue: 'billing' }, 2),
      // A bulk re-charge started at the onset: one run every 2 minutes on the same task queue.
      ...temporalRuns('recharge', 100, { waitMs: () => 300, workMs: () => 4000, queue: 'billing' }, 5).map((r, i) => shifted(r, Date.UTC(2026, 10, 21, 1) + i * 2 * MIN)),
    ];
    const c = findings(runs).find((x) => x.kind === 'queue')!;
    expect(c.evidence.details!['demand']).toEqual([{ workflow: 'recharge', beforePerHour: 0, sincePerHour: expect.any(Number) }]);
    expect(c.summary).toMatch(/Since the onset `recharge` starts \d+ tasks an hour in it \(none the day before\)\./);
    expect(c.recommendations[0]!.steps[1]).toMatch(/^`recharge` began to fill it when the wait rose/);
  });

  it('does not blame a workflow that began hours before the wait rose and kept its pace', () => {
    const runs = [
      ...temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' }, 1),
      // Six tasks an hour from 12 hours before the onset on: the hours before its first run are no demand that rose.
      ...temporalRuns('features', 130, { waitMs: () => 300, workMs: () => 4000, queue: 'billing' }, 5).map((r, i) => shifted(r, Date.UTC(2026, 10, 20, 13) + i * 10 * MIN)),
    ];
    const c = findings(runs).find((x) => x.kind === 'queue')!;
    expect(c.evidence.details!['demand']).toBeUndefined();
    expect(c.summary).not.toMatch(/began to fill/);
  });

  it('does not blame a busy workflow whose older runs the pass did not read', () => {
    const ledger = (i: number) => shifted(temporalRuns('ledger', 1, { waitMs: () => 300, workMs: () => 4000, queue: 'billing' }, 7 + i)[0]!, Date.UTC(2026, 10, 20) + i * MIN);
    const runs = [
      ...temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' }, 1),
      // Once a minute, steadily, for the whole 33 hours; the pass reads only its newest 1,000 runs (the last 17 hours).
      ...Array.from({ length: 2000 }, (_, i) => ({ ...ledger(i), id: `temporal:ledger:${i}` })),
    ];
    const c = analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: { thresholds: { maxRunsPerWorkflow: 1000 } } }).candidates.find((x) => x.kind === 'queue')!;
    expect(c.workflow).toBe('payments');
    expect(c.evidence.details!['demand']).toBeUndefined();
  });

  it('still calls a step slower when its work grew beside the wait, or another step slowed down', () => {
    // `charge` waits 300× as long and works 4× as long; `notify` does not wait but works 4× as long.
    const both = findings(temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: after(150, 6000, 25_000), queue: 'billing' }));
    expect(both.map((c) => c.kind).sort()).toEqual(['anomaly', 'queue']);
    expect(both.find((c) => c.kind === 'anomaly')!.title).toMatch(/^Step `charge` of `payments` is 4\.\d× slower/);
    const other = findings(temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, notifyMs: after(150, 2000, 8000), queue: 'billing' }));
    expect(other.map((c) => c.kind).sort()).toEqual(['anomaly', 'queue']);
    expect(other.find((c) => c.kind === 'anomaly')!.rootCause.step).toBe('notify');
  });

  it('gives the waits as they were, and no NaN when every run since the onset failed', () => {
    const c = findings(temporalRuns('payments', 200, { waitMs: after(150, 0, 90_000), workMs: () => 6000, failed: (i) => i >= 150 })).find((x) => x.kind === 'queue')!;
    // `charge` did not wait at all, `notify` 20 ms: no floor shows through.
    expect(c.title).toMatch(/\(was 20 ms\)$/);
    expect(c.summary).not.toMatch(/NaN/);
    expect(c.summary).toMatch(/runs take (96|97|98|99) s instead of 8\.\d s/);
    expect(c.evidence.current['runP50Ms']).toBeGreaterThan(90_000);
  });

  it('names the pool of the step whose wait rose, not that of another step that waits as ever', () => {
    // `extract` waits a second in `default_pool` throughout; `load` waits in `warehouse`, a second and then two minutes.
    const runs = Array.from({ length: 200 }, (_, i): RunRecord => {
      const startMs = Date.UTC(2026, 10, 20) + i * 10 * MIN;
      const task = (name: string, at: number, waitMs: number, pool: string): StepRecord => ({
        id: `${name}${i}`, name, status: 'success', startMs: at, endMs: at + waitMs + 5000, durationMs: waitMs + 5000, queueMs: waitMs, queueWithin: true,
        attributes: { 'airflow.task.pool': pool }, downstream: [], spanIds: [`${name}${i}`],
      });
      const load = i < 150 ? 1000 + (i % 7) * 50 : 120_000 + (i % 7) * 1000;
      const steps = [task('extract', startMs, 1000 + (i % 5) * 50, 'default_pool'), task('load', startMs + 7000, load, 'warehouse')];
      const endMs = steps[1]!.endMs;
      return { id: `airflow:etl:${i}`, workflow: 'etl', runner: 'airflow', runId: `etl-${i}`, traceId: `etl-${i}`.padEnd(32, '0'), spanId: i.toString(16).padStart(16, '0'), status: 'success', startMs, endMs, durationMs: endMs - startMs, attributes: {}, steps };
    });
    const c = findings(runs).find((x) => x.kind === 'queue')!;
    expect(c.rootCause).toMatchObject({ step: 'load', attributes: { 'airflow.task.pool': 'warehouse' } });
  });

  it('counts steps waiting side by side once, so more tasks waiting as long is no longer wait', () => {
    const step = (id: string, startMs: number, queueMs: number): StepRecord => ({
      id, name: 'shard', status: 'success', startMs, endMs: startMs + queueMs + 60_000, durationMs: queueMs + 60_000, queueMs, queueWithin: true, attributes: {}, downstream: [], spanIds: [id],
    });
    const run = (steps: StepRecord[], queueMs?: number, runner: RunnerKind = 'github-actions') => ({ runner, startMs: 0, queueMs, steps });
    // Twenty shards queued at once, each waiting 2 s: the run waited 2 s, not 40.
    expect(waitedMs(run(Array.from({ length: 20 }, (_, i) => step(`s${i}`, 0, 2000))))).toBe(2000);
    // One after another, the waits add up; overlapping ones count their union.
    expect(waitedMs(run([step('a', 0, 2000), step('b', 70_000, 3000)]))).toBe(5000);
    // A GitHub run's wait to start is its first job's wait: counted once. Temporal's comes before its run span.
    expect(waitedMs(run([step('a', 0, 2000), step('b', 70_000, 3000)], 2000))).toBe(5000);
    expect(waitedMs(run([step('a', 0, 2000), step('b', 70_000, 3000)], 2000, 'temporal'))).toBe(7000);
    // A wait said to lie within a step cannot outlast it.
    expect(waitedMs(run([{ ...step('c', 0, 0), durationMs: 1000, endMs: 1000, queueMs: 5000 }]))).toBe(1000);
    expect(waitedMs(run([step('a', 0, 2000), step('b', 1000, 3000)]))).toBe(4000);
    expect(waitedMs(run([]))).toBeUndefined();
    // A DAG mapping 5 and then 40 shards that each wait 2 s raises nothing.
    const mapped = Array.from({ length: 200 }, (_, i): RunRecord => {
      const startMs = Date.UTC(2026, 10, 20) + i * 10 * MIN;
      const steps = Array.from({ length: i < 150 ? 5 : 40 }, (_, k) => step(`m${i}-${k}`, startMs, 2000 + (i % 5) * 10));
      return { id: `airflow:map:${i}`, workflow: 'map', runner: 'airflow', runId: `map-${i}`, traceId: `map-${i}`.padEnd(32, '0'), spanId: i.toString(16).padStart(16, '0'), status: 'success', startMs, endMs: startMs + 62_000, durationMs: 62_000, attributes: {}, steps };
    });
    expect(findings(mapped).filter((c) => c.kind === 'queue')).toEqual([]);
  });

  it('keeps the identity of a finding keyed by its pool as workflows join the wait', () => {
    const alone = findings(temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' })).find((c) => c.kind === 'queue')!;
    const joined = findings([
      ...temporalRuns('payments', 200, { waitMs: after(150, 300, 90_000), workMs: () => 6000, queue: 'billing' }),
      ...temporalRuns('refunds', 200, { waitMs: after(152, 300, 60_000), workMs: () => 4000, queue: 'billing' }, 2),
    ]).find((c) => c.kind === 'queue')!;
    expect(joined.workflows).toEqual(['payments', 'refunds']);
    expect(alone.fingerprint).toBe(joined.fingerprint);
  });
});

/** The run moved to start at `startMs`, its steps with it. */
function shifted(run: RunRecord, startMs: number): RunRecord {
  const by = startMs - run.startMs;
  return { ...run, startMs, endMs: run.endMs + by, steps: run.steps.map((s) => ({ ...s, startMs: s.startMs + by, endMs: s.endMs + by })) };
}
