import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { hourly, run } from './runs.js';

const HOUR = 3600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });

describe('health score', () => {
  it('takes a run still running for the last start its freshness is judged on', () => {
    // Hourly, settled until 5 hours ago; the run started half an hour ago still runs (or hangs: its own finding).
    const runs = [...hourly('late', 295), run('late', 299, 299.5 * HOUR, 60_000, 'running')];
    const freshness = analyse({ nowMs: 300 * HOUR, runs, templateOf, config: {} }).health.get('late')!.factors.find((f) => f.name === 'freshness')!;
    expect(freshness).toMatchObject({ score: 100, detail: 'last run 30.0 min ago, expected every 60.0 min' });
  });

  it('scores a steady workflow healthy, a failing one unhealthy, and one with too few runs unknown', () => {
    const steady = hourly('steady', 300);
    const failing = hourly('failing', 300, (i, r) => (i >= 280 && i % 2 === 0 ? run('failing', i, r.startMs, 60_000, 'failure') : r));
    const young = hourly('young', 5).map((r) => ({ ...r, startMs: r.startMs + 295 * HOUR, endMs: r.endMs + 295 * HOUR }));
    const out = analyse({ nowMs: 300 * HOUR, runs: [...steady, ...failing, ...young], templateOf, config: {} });
    const steadyHealth = out.health.get('steady')!;
    expect(steadyHealth.status).toBe('healthy');
    expect(steadyHealth.score).toBeGreaterThanOrEqual(90);
    expect(steadyHealth.factors.map((f) => f.name)).toEqual(['success_rate', 'duration', 'problems', 'freshness']);
    expect(out.cadences.get('steady')).toBeCloseTo(3600, 0);
    const failingHealth = out.health.get('failing')!;
    expect(failingHealth.score).toBeLessThan(steadyHealth.score);
    expect(failingHealth.status).not.toBe('healthy');
    expect(failingHealth.factors.find((f) => f.name === 'success_rate')!.score).toBeLessThan(80);
    expect(out.health.get('young')).toEqual({ score: 0, status: 'unknown', factors: [] });
  });

  it('calls a workflow whose schedule stopped unhealthy, however well its last runs went', () => {
    // Hourly and always passing, until it stopped 13 hours ago; another workflow runs on.
    const stopped = hourly('backup-hourly', 287);
    const out = analyse({ nowMs: 300 * HOUR, runs: [...stopped, ...hourly('ticker', 300)], templateOf, config: {} });
    expect(out.candidates.filter((c) => c.workflow === 'backup-hourly').map((c) => c.fingerprint)).toEqual(['stalled|backup-hourly|cadence']);
    const health = out.health.get('backup-hourly')!;
    expect(health.factors.find((f) => f.name === 'success_rate')!.score).toBe(100);
    expect(health).toMatchObject({ status: 'unhealthy', score: 49, cappedBy: 'stalled_schedule' });
  });
});

describe('health capped by a shared critical finding', () => {
  it('caps the workflow the finding names first, not another it barely touches', () => {
    // Every 15 minutes; in the last 10 hours `a` fails two runs in three on a refused connection, `b` three times.
    const refused = 'connect ECONNREFUSED 10.0.0.7:5432';
    const runsOf = (workflow: string, offsetMs: number, fails: (i: number) => boolean) =>
      Array.from({ length: 400 }, (_, i) => {
        const r = run(workflow, i, (i * HOUR) / 4 + offsetMs, 60_000, fails(i) ? 'failure' : 'success');
        return fails(i) ? { ...r, errorMessage: refused, steps: r.steps.map((step) => ({ ...step, status: 'failure' as const, errorMessage: refused })) } : r;
      });
    const runs = [...runsOf('a', 0, (i) => i >= 360 && i % 3 !== 0), ...runsOf('b', 60_000, (i) => i === 370 || i === 380 || i === 390)];
    const out = analyse({ nowMs: 100 * HOUR + 600_000, runs, templateOf: (m) => ({ templateId: m.replace(/\d+/g, '<*>'), template: m.replace(/\d+/g, '<*>') }), config: {} });
    const shared = out.candidates.find((c) => c.workflows?.length === 2)!;
    expect(shared).toMatchObject({ severity: 'critical', workflow: 'a', workflows: ['a', 'b'] });
    expect(out.health.get('a')).toMatchObject({ status: 'unhealthy', cappedBy: 'critical_finding' });
    expect(out.health.get('b')!.status).toBe('degraded');
    expect(out.health.get('b')!.cappedBy).toBeUndefined();
  });
});

describe('edge cases', () => {
  it('analyses an empty window, runs still in progress, and an SLO for a workflow without runs', () => {
    const inProgress = { ...run('etl', 1, 0, 1000), status: 'running' as const };
    const out = analyse({ nowMs: 1000, runs: [inProgress], templateOf, config: { slos: [{ workflow: 'nothing-yet', objective: 99.5 }] } });
    expect(out.candidates).toEqual([]);
    expect(out.health.size).toBe(0);
    expect(out.slos).toEqual([
      expect.objectContaining({ workflow: 'nothing-yet', name: 'nothing-yet-99.5', window: '30d', sli: 1, errorBudgetRemaining: 1, state: 'ok', totalRuns: 0 }),
    ]);
  });
});
