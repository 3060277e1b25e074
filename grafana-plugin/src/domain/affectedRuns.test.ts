import { describe, expect, it } from 'vitest';

import type { Finding } from '../api/types.js';
import { describeAffectedRuns } from './affectedRuns.js';

const evidence = (over: Partial<Finding['evidence']>): Finding['evidence'] => ({
  baseline: {},
  current: {},
  affectedRuns: 9,
  totalRuns: 24,
  onset: '2026-11-21T12:04:00.000Z',
  exampleRunIds: [],
  errorLines: [],
  ...over,
});

describe('describeAffectedRuns', () => {
  it('counts the runs a failure or a slowdown hit since it began', () => {
    expect(describeAffectedRuns({ kind: 'error_pattern', evidence: evidence({}) })).toEqual({
      sentence: '9 of 24 runs affected, since 2026-11-21 12:04:00 UTC.',
      cell: '9/24 (38%)',
    });
  });

  it("counts an SLO's bad runs over its window, and dates the current burn rather than the problem", () => {
    const slo = evidence({ affectedRuns: 12, totalRuns: 300, baseline: { objective: 99, maxDurationSeconds: 300 }, details: { window: '7d' } });
    expect(describeAffectedRuns({ kind: 'sla', evidence: slo })).toEqual({
      sentence: "12 of 300 runs in the SLO's 7d window were bad (failed or took over 5m 00s); the current burn began at 2026-11-21 12:04:00 UTC.",
      cell: '12/300 bad (4%)',
    });
  });

  it('counts the runs a stalled schedule missed, which never ran, and when the first was due', () => {
    const missed = evidence({ affectedRuns: 12, totalRuns: 12, current: { missedRuns: 12, secondsSinceLastRun: 45000 } });
    expect(describeAffectedRuns({ kind: 'stalled', evidence: missed })).toEqual({
      sentence: '12 scheduled runs missed, the first due at 2026-11-21 12:04:00 UTC.',
      cell: '12 missed',
    });
  });

  it('counts hung runs as runs still running', () => {
    const hung = evidence({ affectedRuns: 1, totalRuns: 40, current: { hungRuns: 1, runningSeconds: 7200 } });
    expect(describeAffectedRuns({ kind: 'stalled', evidence: hung })).toEqual({
      sentence: "1 run still running long past the workflow's usual time, the first judged hung at 2026-11-21 12:04:00 UTC.",
      cell: '1 hung',
    });
  });

  it("tells what a user's rule matched: its figure against its threshold, over the runs of its window", () => {
    const rule = (over: Partial<Finding['evidence']>, metric: string, value: number) =>
      describeAffectedRuns({ kind: 'rule', evidence: evidence({ details: { rule: 'etl-too-slow', metric, value, cooldownMs: 0 }, ...over }) });
    const slow = rule({ affectedRuns: 24, baseline: { p95_duration: 1800 }, current: { runs: 24, p95_duration: 3600 } }, 'p95_duration', 3600);
    expect(slow).toEqual({
      sentence: 'Rule "etl-too-slow" matched: p95 duration 1h 00m (threshold 30m 00s) over the 24 runs in its window, the first at 2026-11-21 12:04:00 UTC.',
      cell: '24/24 (100%)',
    });
    expect(rule({ baseline: { failure_rate: 0.2 } }, 'failure_rate', 0.375).sentence).toBe(
      'Rule "etl-too-slow" matched: failure rate 37.5% (threshold 20.0%) over the 24 runs in its window, the first at 2026-11-21 12:04:00 UTC.'
    );
    expect(rule({ affectedRuns: 0, totalRuns: 0, baseline: { runs: 1 } }, 'runs', 0).sentence).toBe(
      'Rule "etl-too-slow" matched: runs 0 (threshold 1) with no run in its window.'
    );
  });
});
