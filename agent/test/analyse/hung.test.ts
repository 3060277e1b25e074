import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { hourly, run } from './runs.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const templateOf = (m: string) => ({ templateId: m, template: m });

/** 24 hourly runs of about a minute, then run 24 started at hour 24 and still running, silent after its first minute. */
function withRunning(workflow: string, hostName?: string): { settled: RunRecord[]; running: RunRecord } {
  const settled = hourly(workflow, 24);
  const running: RunRecord = { ...run(workflow, 24, 24 * HOUR, MIN), status: 'running', spanId: '' };
  if (hostName) running.attributes = { 'host.name': hostName };
  running.steps = running.steps.map((step) => ({ ...step, name: 'checkout', status: 'success' }));
  return { settled, running };
}

const stalledOf = (candidates: FindingCandidate[], workflow: string) => candidates.filter((c) => c.kind === 'stalled' && c.workflow === workflow);

describe('hung runs: still running long after the workflow usually ends', () => {
  it('finds a run silent for an hour in a workflow whose runs take a minute, with where it was last seen', () => {
    const { settled, running } = withRunning('release', 'runner-7');
    const nowMs = 24 * HOUR + 70 * MIN;
    const out = analyse({ nowMs, runs: [...settled, running], templateOf, config: {} });
    const [hung, ...rest] = stalledOf(out.candidates, 'release');
    expect(rest).toEqual([]);
    expect(hung).toMatchObject({
      fingerprint: 'stalled|release|hung-run',
      category: 'timeout',
      severity: 'high',
      rootCause: { step: 'checkout', attributes: { 'host.name': 'runner-7' } },
      evidence: { affectedRuns: 1, exampleRunIds: [running.id], current: { runningSeconds: 70 * 60, hungRuns: 1 } },
    });
    expect(hung!.title).toMatch(/^Run release-24 of `release` has been running for 70\.0 min \(usually done within 6\d s\)$/);
    expect(hung!.summary).toContain('its last step, `checkout`, ended at 1970-01-02 00:01 UTC');
    expect(hung!.recommendations[0]!.title).toBe('Find out whether the hung run of `release` is still alive');
    expect(hung!.recommendations[0]!.steps[0]).toContain('`runner-7`');
    expect(out.health.get('release')!.status).not.toBe('healthy');
  });

  it('says a run is held by a step that keeps failing and is tried again, with its error, not that its runner may have died', () => {
    const { settled, running } = withRunning('settlement', 'sw-1');
    // An activity retried without end: try 24 failed a minute before now.
    const error = 'dial tcp 10.0.4.12:5432: connect: connection refused';
    running.steps = [{ ...running.steps[0]!, name: 'post-ledger', status: 'failure', attempt: 24, endMs: 24 * HOUR + 69 * MIN, errorMessage: error }];
    const out = analyse({ nowMs: 24 * HOUR + 70 * MIN, runs: [...settled, running], templateOf, config: {} });
    const [hung] = stalledOf(out.candidates, 'settlement');
    expect(hung!.summary).toBe(`Run settlement-24 started at 1970-01-02 00:00 UTC and has not ended; its step \`post-ledger\` keeps failing: try 24 ended at 1970-01-02 01:09 UTC with "${error}".`);
    expect(hung!.rootCause.description).toMatch(/The run is alive and tries the step again and again; what the step fails on holds it\.$/);
    expect(hung!.rootCause.description).not.toMatch(/may have died/);
    expect(hung!.evidence.errorLines).toEqual([error]);
    // Still a hung run's finding (its identity and resolution go by it), with the error's advice, not a dead runner's.
    expect(hung!.category).toBe('timeout');
    expect(hung!.recommendations[0]!.title).toBe('Check the network path from `sw-1` used by step `post-ledger`');
    expect(hung!.recommendations.map((r) => r.title)).not.toContain('Find out whether the hung run of `settlement` is still alive');
  });

  it('waits for the usual duration plus a margin before calling a run hung', () => {
    const { settled, running } = withRunning('release');
    // Three times a one-minute p95 is three minutes, but a run is not hung before 15 minutes over its p95.
    for (const [minutes, hung] of [[10, 0], [15, 0], [17, 1]] as const) {
      const out = analyse({ nowMs: 24 * HOUR + minutes * MIN, runs: [...settled, running], templateOf, config: {} });
      expect(stalledOf(out.candidates, 'release').length, `${minutes} min`).toBe(hung);
    }
  });

  it('needs a history to know what is usual', () => {
    const { settled, running } = withRunning('release');
    const out = analyse({ nowMs: 24 * HOUR + 5 * HOUR, runs: [...settled.slice(-5), running], templateOf, config: {} });
    expect(stalledOf(out.candidates, 'release')).toEqual([]);
  });

  it('counts a run seen running as started: a scheduled workflow with one in progress has not stopped', () => {
    const { settled, running } = withRunning('backup');
    // Four hours after the last settled run, but the run that started an hour later is still going: hung, not stalled.
    const out = analyse({ nowMs: 27 * HOUR, runs: [...settled, running], templateOf, config: {} });
    expect(stalledOf(out.candidates, 'backup').map((c) => c.fingerprint)).toEqual(['stalled|backup|hung-run']);
    const without = analyse({ nowMs: 27 * HOUR, runs: settled, templateOf, config: {} });
    expect(stalledOf(without.candidates, 'backup').map((c) => c.fingerprint)).toEqual(['stalled|backup|cadence']);
  });

  it('takes the usual duration from runs that did their work: after an outage of fast failures a normal run is not hung', () => {
    // Runs every 3 h: 60 take 2 h, then 50 fail after 10 s, then run 110 starts and takes its usual time.
    const settled = Array.from({ length: 110 }, (_, i) => (i < 60 ? run('etl', i, i * 3 * HOUR, 2 * HOUR) : run('etl', i, i * 3 * HOUR, 10_000, 'failure')));
    const running: RunRecord = { ...run('etl', 110, 330 * HOUR, MIN), status: 'running', spanId: '' };
    const at = (elapsedMs: number) => stalledOf(analyse({ nowMs: 330 * HOUR + elapsedMs, runs: [...settled, running], templateOf, config: {} }).candidates, 'etl');
    expect(at(40 * MIN)).toEqual([]);
    expect(at(5 * HOUR)).toEqual([]);
    const [hung, ...rest] = at(6.5 * HOUR);
    expect(rest).toEqual([]);
    expect(hung!.title).toBe('Run etl-110 of `etl` has been running for 6.5 h (usually done within 2.0 h)');
  });

  it('takes it from every settled run when too few succeeded', () => {
    const settled = hourly('always-red', 24, (i, r) => run('always-red', i, r.startMs, MIN, 'failure'));
    const running: RunRecord = { ...run('always-red', 24, 24 * HOUR, MIN), status: 'running', spanId: '' };
    const out = analyse({ nowMs: 24 * HOUR + 70 * MIN, runs: [...settled, running], templateOf, config: {} });
    const [hung] = stalledOf(out.candidates, 'always-red');
    expect(hung!.title).toBe('Run always-red-24 of `always-red` has been running for 70.0 min (usually done within 60 s)');
  });

  it('tells a schedule held by its hung run (one run at a time) as that run, with the runs missed since, not as a stall too', () => {
    const { settled, running } = withRunning('hourly-rollup', 'airflow-worker-2');
    // Four hours on, the hourly schedule has started nothing since its run of hour 24, which still runs.
    const out = analyse({ nowMs: 28 * HOUR + 10 * MIN, runs: [...settled, running], templateOf, config: {} });
    const found = stalledOf(out.candidates, 'hourly-rollup');
    expect(found.map((c) => c.fingerprint)).toEqual(['stalled|hourly-rollup|hung-run']);
    expect(found[0]!.summary).toMatch(/ No run has started since: [34] runs of its schedule were missed\.$/);
    expect(found[0]!.evidence.current.missedRuns).toBeGreaterThanOrEqual(3);

    // Its schedule stopped all the same: the workflow is unhealthy, as a stalled one is.
    expect(out.health.get('hourly-rollup')).toMatchObject({ status: 'unhealthy', cappedBy: 'stalled_schedule' });

    // A schedule that stopped after a run that ended is a stall of its own.
    const ended = analyse({ nowMs: 28 * HOUR + 10 * MIN, runs: settled, templateOf, config: {} });
    expect(stalledOf(ended.candidates, 'hourly-rollup').map((c) => c.fingerprint)).toEqual(['stalled|hourly-rollup|cadence']);
  });
});
