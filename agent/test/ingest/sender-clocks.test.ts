/**
 * How a sender's lag is judged over time: the least over the last 5 to 10 minutes, so batching and a burst of
 * retried exports do not make a sender look late, and a clock put right is seen as right within ten minutes; and
 * only once the sender has been heard from for 5 minutes, so a backfill is not taken for a clock to fix.
 */
import { describe, expect, it } from 'vitest';
import { QUIET_MS, SenderClocks } from '../../src/ingest/sender-clocks.js';
import type { Attributes, ResourceSpans } from '../../src/model/otlp.js';

const MIN = 60_000;
const T0 = Date.parse('2026-12-02T12:00:00Z');

/** An export whose newest span ended `lagMs` before it arrived at `atMs`. */
function exportOf(resource: Attributes, atMs: number, lagMs: number): ResourceSpans[] {
  const span = (endMs: number) => ({ endMs }) as ResourceSpans['scopes'][number]['spans'][number];
  return [{ resource, scopes: [{ scopeName: '', scopeVersion: '', spans: [span(atMs - lagMs - 4_000), span(atMs - lagMs)] }] } as ResourceSpans];
}

const runner = { 'service.name': 'ci-runner', 'host.name': 'build-7' };

/** Exports a minute apart from `fromMs` for five minutes, each `lagMs` late: long enough to be judged. */
function steady(clocks: SenderClocks, resource: Attributes, lagMs: number, fromMs = T0): number {
  for (let t = fromMs; t <= fromMs + 5 * MIN; t += MIN) clocks.observe(exportOf(resource, t, lagMs), t);
  return fromMs + 5 * MIN;
}

describe('a sender heard from over time', () => {
  it('is judged by its least lag: batching and retried exports add to it, they do not make it late', () => {
    const clocks = new SenderClocks();
    clocks.observe(exportOf(runner, T0, 5_000), T0);
    clocks.observe(exportOf(runner, T0 + 20_000, 2_000), T0 + 20_000);
    // A queue drained after an outage: spans that ended half an hour ago.
    clocks.observe(exportOf(runner, T0 + 40_000, 30 * MIN), T0 + 40_000);
    expect(clocks.list(T0 + 41_000)).toEqual([{ service: 'ci-runner', host: 'build-7', lagMs: 2_000, clock: 'ok', lastSeenMs: T0 + 40_000 }]);
  });

  it('is ahead while its spans end after they arrive, and ok within ten minutes of its clock being put right', () => {
    const clocks = new SenderClocks();
    for (let t = T0; t < T0 + 20 * MIN; t += MIN) clocks.observe(exportOf(runner, t, -10 * MIN), t);
    expect(clocks.list(T0 + 20 * MIN).map((s) => [s.clock, s.lagMs])).toEqual([['ahead', -10 * MIN]]);
    const fixedMs = T0 + 20 * MIN;
    const states: string[] = [];
    for (let t = fixedMs; t <= fixedMs + 11 * MIN; t += MIN) {
      clocks.observe(exportOf(runner, t, 3_000), t);
      states.push(clocks.list(t)[0]!.clock);
    }
    expect(states.slice(0, 5)).toEqual(['ahead', 'ahead', 'ahead', 'ahead', 'ahead']);
    expect(states.at(-1)).toBe('ok');
    expect(clocks.list(fixedMs + 11 * MIN)[0]!.lagMs).toBe(3_000);
  });

  it('is late once every export for 5 minutes came more than 15 minutes after its spans ended, and ok at once when one did not', () => {
    const clocks = new SenderClocks();
    const states: string[] = [];
    for (let t = T0; t <= T0 + 5 * MIN; t += MIN) {
      clocks.observe(exportOf(runner, t, 16 * MIN), t);
      states.push(clocks.list(t)[0]!.clock);
    }
    expect(states).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'late']);
    expect(clocks.list(T0 + 5 * MIN)[0]!.lagMs).toBe(16 * MIN);
    clocks.observe(exportOf(runner, T0 + 5 * MIN + 1_000, 14 * MIN), T0 + 5 * MIN + 1_000);
    expect(clocks.list(T0 + 5 * MIN + 1_000)[0]!.clock).toBe('ok');
  });

  it('is not called late for a backfill sent in less than 5 minutes, and is judged afresh after a quiet 10 minutes', () => {
    const clocks = new SenderClocks();
    // Three days of history in half a minute, the newest last.
    for (let i = 0; i <= 30; i++) clocks.observe(exportOf(runner, T0 + i * 1_000, (72 - i) * 3_600_000), T0 + i * 1_000);
    expect(clocks.list(T0 + 40 * MIN)).toEqual([{ service: 'ci-runner', host: 'build-7', lagMs: 42 * 3_600_000, clock: 'ok', lastSeenMs: T0 + 30_000 }]);
    // The same sender back 50 minutes later with its clock behind: judged once heard from for 5 minutes again.
    const back = T0 + 50 * MIN;
    clocks.observe(exportOf(runner, back, 20 * MIN), back);
    expect(clocks.list(back)[0]!.clock).toBe('ok');
    expect(clocks.list(steady(clocks, runner, 20 * MIN, back))[0]!.clock).toBe('late');
  });

  it('keeps its last figure while it is silent, and is no longer listed an hour after it was last heard from', () => {
    const clocks = new SenderClocks();
    const lastMs = steady(clocks, runner, -5 * MIN);
    expect(clocks.list(lastMs + 59 * MIN).map((s) => s.clock)).toEqual(['ahead']);
    // Those heard from within a span of time (the metric's 10 minutes).
    expect(clocks.list(lastMs + 10 * MIN, QUIET_MS)).toHaveLength(1);
    expect(clocks.list(lastMs + 11 * MIN, QUIET_MS)).toEqual([]);
    expect(clocks.list(lastMs + 61 * MIN)).toEqual([]);
  });
});

describe('senders told apart', () => {
  it('by service and host, else service instance; those whose clock is off first, the furthest off first', () => {
    const clocks = new SenderClocks();
    steady(clocks, { 'service.name': 'airflow', 'host.name': 'sched-1' }, 1_000);
    steady(clocks, { 'service.name': 'airflow', 'host.name': 'sched-2' }, -2 * MIN);
    steady(clocks, { 'service.name': 'temporal-worker', 'service.instance.id': 7 }, 40 * MIN);
    const lastMs = steady(clocks, {}, 4_000);
    expect(clocks.list(lastMs).map((s) => [s.service, s.host, s.clock])).toEqual([
      ['temporal-worker', '7', 'late'],
      ['airflow', 'sched-2', 'ahead'],
      ['', '', 'ok'],
      ['airflow', 'sched-1', 'ok'],
    ]);
  });

  it('up to a thousand, the one heard from least recently dropped first', () => {
    const clocks = new SenderClocks();
    for (let i = 0; i < 1_000; i++) clocks.observe(exportOf({ 'service.name': 'pod', 'host.name': `pod-${i}` }, T0 + i, 1_000), T0 + i);
    clocks.observe(exportOf({ 'service.name': 'pod', 'host.name': 'pod-0' }, T0 + 1_000, 1_000), T0 + 1_000);
    clocks.observe(exportOf({ 'service.name': 'pod', 'host.name': 'pod-new' }, T0 + 1_001, 1_000), T0 + 1_001);
    const hosts = new Set(clocks.list(T0 + 2_000).map((s) => s.host));
    expect(hosts.size).toBe(1_000);
    expect(hosts.has('pod-0')).toBe(true);
    expect(hosts.has('pod-new')).toBe(true);
    expect(hosts.has('pod-1')).toBe(false);
  });

  it('skips a resource that sent no spans', () => {
    const clocks = new SenderClocks();
    clocks.observe([{ resource: runner, scopes: [] } as unknown as ResourceSpans], T0);
    expect(clocks.list(T0)).toEqual([]);
  });
});
