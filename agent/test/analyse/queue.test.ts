import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const MIN = 60_000;

interface Shape {
  /** The activity's wait for a worker, and its work, in ms, for run i. */
  waitMs(i: number): number;
  workMs(i: number): number;
  queue?: string;
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
    const notify = 2000 * jitter();
    const attributes = shape.queue ? { 'temporal.task_queue': shape.queue } : {};
    return {
      id: `temporal:${workflow}:${i}`,
      workflow,
      runner: 'temporal',
      runId: `${workflow}-${i}`,
      traceId: `${workflow}-${i}`.padEnd(32, '0'),
      spanId: i.toString(16).padStart(16, '0'),
      status: 'success',
      startMs,
      endMs: startMs + charge + notify,
      durationMs: charge + notify,
      attributes: { 'service.name': 'billing-worker', 'host.name': `worker-${i % 3}` },
      steps: [
        { id: `c${i}`, name: 'charge', status: 'success', startMs, endMs: startMs + charge, durationMs: charge, queueMs: wait, attributes, downstream: [], spanIds: [`c${i}`] },
        { id: `n${i}`, name: 'notify', status: 'success', startMs: startMs + charge, endMs: startMs + charge + notify, durationMs: notify, queueMs: 20, attributes, downstream: [], spanIds: [`n${i}`] },
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
    expect(queue.map((c) => c.title)).toEqual([expect.stringMatching(/^Runs of `payments` wait (89|90|91) s for workers since 2026-11-21 01:00 in temporal\.task_queue `billing` \(was 3\d\d ms\)$/)]);
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
    expect(billing.title).toMatch(/^2 workflows \(`payments`, `refunds`\) wait /);
    expect(billing.summary).toMatch(/1 other workflow waiting in temporal\.task_queue `billing` at the same time: `refunds` (59|60|61) s vs 3\d\d ms\./);
  });
});
