import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { runsTestZ } from '../../src/analyse/flaky/outcomes.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { RunRecord, RunStatus, StepRecord } from '../../src/model/workflow.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const HOSTS = ['ci-1', 'ci-2', 'ci-3'];

type Outcome = 'pass' | 'retried' | 'fail';

function step(id: string, name: string, startMs: number, status: RunStatus, extra: Partial<StepRecord> = {}): StepRecord {
  return { id, name, status, startMs, endMs: startMs + 60_000, durationMs: 60_000, attributes: {}, downstream: [], spanIds: [id], ...extra };
}

/** A CI run: `build`, then `test` (inside `suite`), which passed, passed on its second try, or failed. */
function ciRun(i: number, outcome: Outcome, attributes: Record<string, string>): RunRecord {
  const startMs = i * HOUR;
  const failed = outcome === 'fail';
  const tries = outcome === 'pass' ? 1 : 2;
  const status: RunStatus = failed ? 'failure' : 'success';
  const error = failed ? { errorType: 'AssertionError', errorMessage: `AssertionError: expected cart to hold 2 items within 5000 ms, got ${i % 2}` } : {};
  return {
    id: `ci:${i}`,
    workflow: 'ci',
    runner: 'github-actions',
    runId: `ci-${i}`,
    traceId: i.toString(16).padStart(32, '0'),
    spanId: i.toString(16).padStart(16, '0'),
    status,
    startMs,
    endMs: startMs + 180_000,
    durationMs: 180_000,
    attributes,
    ...(failed ? error : {}),
    steps: [
      step(`b${i}`, 'build', startMs, 'success'),
      step(`s${i}`, 'suite', startMs + 60_000, status, failed ? { errorMessage: 'suite failed' } : {}),
      // The runner's own try count says how it went, not why: it must not pass for a cause.
      step(`t${i}`, 'test', startMs + 60_000, status, { parentId: `s${i}`, attempt: tries, attributes: { 'airflow.task_instance.try_number': tries }, ...error }),
    ],
  };
}

function ciRuns(count: number, outcomeOf: (i: number, rand: () => number) => Outcome, attributesOf: (i: number, rand: () => number) => Record<string, string>): RunRecord[] {
  const rand = seededRandom(11);
  return Array.from({ length: count }, (_, i) => ciRun(i, outcomeOf(i, rand), attributesOf(i, rand)));
}

const sameRelease = (_: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': HOSTS[Math.floor(rand() * HOSTS.length)]! });
const run = (runs: RunRecord[]) => analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} });

describe('flaky steps', () => {
  it('names a step that fails now and then and passes again with the same code, instead of an error pattern', () => {
    const runs = ciRuns(300, (_, rand) => { const r = rand(); return r < 0.1 ? 'fail' : r < 0.22 ? 'retried' : 'pass'; }, sameRelease);
    const out = run(runs);
    expect(out.candidates.filter((c) => c.kind === 'error_pattern' || c.kind === 'correlation')).toEqual([]);
    const flaky = out.candidates.filter((c) => c.kind === 'flaky');
    expect(flaky).toHaveLength(1);
    const c = flaky[0]!;
    const failed = runs.filter((r) => r.status === 'failure');
    const retried = runs.filter((r) => r.steps[2]!.attempt === 2 && r.status === 'success');
    const first = Math.min(failed[0]!.startMs, retried[0]!.startMs);
    const since = runs.filter((r) => r.startMs >= first);
    // The suite fails only because its test does: the test is named, once.
    expect(c.rootCause.step).toBe('test');
    expect(c.evidence.current).toMatchObject({ failed: failed.length, passedOnRetry: retried.length });
    expect(c.evidence.totalRuns).toBe(since.length);
    expect(c.evidence.affectedRuns).toBe(failed.length + retried.length);
    expect(c.evidence.onset).toBe(new Date(first).toISOString());
    expect(c.severity).toBe('medium');
    expect(c.category).toBe('logic');
    expect(c.rootCause.pattern).toMatch(/^AssertionError: expected cart to hold /);
    expect(c.title).toBe(`Step \`suite › test\` of \`ci\` is flaky: it failed in ${failed.length} and passed only on a retry in ${retried.length} of ${since.length} runs since ${new Date(first).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(c.evidence.errorLines[0]).toBe(failed.at(-1)!.errorMessage);
    // A failing run and the passing run of the same code right after it, to compare.
    const pair = c.evidence.changes!;
    const at = runs.findIndex((r) => r.id === pair.runId);
    expect(runs[at]!.status).toBe('failure');
    expect(pair.baselineRunId).toBe(runs[at + 1]!.id);
    expect(runs[at + 1]!.status).toBe('success');
    expect(pair.lines[0]).toMatch(/^step `(suite|test)` failed: /);
    expect(c.recommendations[0]!.title).toBe('Quarantine and fix flaky step `suite › test`');
  });

  it('reports a step that only ever passes on a retry, at low severity when retries are rare', () => {
    const out = run(ciRuns(300, (i) => (i % 15 === 3 ? 'retried' : 'pass'), sameRelease));
    const c = out.candidates.find((x) => x.kind === 'flaky')!;
    expect(c.rootCause.step).toBe('test');
    expect(c.evidence.current).toMatchObject({ failed: 0, passedOnRetry: 20 });
    expect(c.severity).toBe('low');
    expect(c.evidence.changes).toBeUndefined();
  });

  it('takes a step that failed and then ran again and passed, unnumbered, for a retry, and a category from its masked message', () => {
    // CI/CD task spans carry no try number: a task tried again is a second span of its name, after the failed one.
    const message = 'AssertionError: expected 200 but got 503';
    const twoTries = (r: RunRecord, parentOfSecond?: string): RunRecord => {
      const { attempt: _, ...test } = { ...r.steps[2]!, attributes: {} };
      const failed: StepRecord = { ...test, id: `${test.id}a`, status: 'failure', endMs: test.startMs + 20_000, durationMs: 20_000, errorMessage: message };
      const second = { ...test, startMs: test.startMs + 30_000, durationMs: 30_000, ...(parentOfSecond && { parentId: parentOfSecond }) };
      return { ...r, steps: [r.steps[0]!, r.steps[1]!, failed, second] };
    };
    const retried = run(ciRuns(300, () => 'pass', sameRelease).map((r, i) => (i % 15 === 3 ? twoTries(r) : r)));
    const c = retried.candidates.find((x) => x.kind === 'flaky')!;
    expect(c.title).toMatch(/^Step `suite › test` of `ci` is flaky: it passed only on a retry in 20 of /);
    expect(c.evidence.current).toMatchObject({ failed: 0, passedOnRetry: 20 });
    // Under another parent (a matrix's other job) the second is a step of its own: the first failed.
    const apart = run(ciRuns(300, () => 'pass', sameRelease).map((r, i) => (i % 15 === 3 ? twoTries(r, `b${i}`) : r)));
    expect(apart.candidates.find((x) => x.kind === 'flaky')?.evidence.current).toMatchObject({ failed: 20, passedOnRetry: 0 });
    // A run that passed though its step failed (the failure allowed) brings its message, which the miner never saw:
    // "503" in it must not make it a downstream service's fault.
    const allowed = (r: RunRecord): RunRecord => ({ ...r, steps: r.steps.map((s) => (s.name === 'test' ? { ...s, status: 'failure', errorMessage: message } : s)) });
    const failedIn = run(ciRuns(300, () => 'pass', sameRelease).map((r, i) => (i % 15 === 3 ? allowed(r) : r)));
    expect(failedIn.candidates.find((x) => x.kind === 'flaky')).toMatchObject({ category: 'logic', evidence: { current: { failed: 20 } } });
  });

  it('counts a re-run of a failed run that passed, however many runs came between', () => {
    // Every run builds another commit; each failure is re-run (attempt 2) half an hour later, and passes.
    const commit = (i: number) => ({ 'vcs.ref.head.revision': `c0ffee${i}` });
    const runs = ciRuns(300, (i) => (i % 8 === 2 ? 'fail' : 'pass'), commit);
    const reruns = runs
      .filter((r) => r.status === 'failure')
      .map((r, n) => {
        const rerun = ciRun(n, 'pass', r.attributes);
        // GitHub gives a re-run's jobs the run's attempt: no retry of the step within the run.
        for (const s of rerun.steps) s.attempt = 2;
        return { ...rerun, id: `${r.id}:2`, runId: r.runId, attempt: 2, startMs: r.startMs + HOUR / 2, endMs: r.startMs + HOUR / 2 + 180_000 };
      });
    const out = run([...runs, ...reruns]);
    const c = out.candidates.find((x) => x.kind === 'flaky')!;
    expect(c.rootCause.step).toBe('test');
    expect(c.evidence.current).toMatchObject({ failed: reruns.length, recoveredNextRun: reruns.length, passedOnRetry: 0 });
    expect(c.evidence.changes!.baselineRunId).toBe(`${c.evidence.changes!.runId}:2`);
    // Without its re-runs, no failure was followed by a pass of the same commit.
    expect(run(runs).candidates.filter((x) => x.kind === 'flaky')).toEqual([]);
  });

  it('still reports a new error of a flaky step that began at one moment and kept on', () => {
    const runs = ciRuns(300, (i, rand) => (i >= 292 || rand() < 0.1 ? 'fail' : 'pass'), sameRelease).map((r, i) =>
      i >= 292 ? { ...r, errorMessage: "ModuleNotFoundError: No module named 'cart'", steps: r.steps.map((s) => (s.name === 'test' ? { ...s, errorType: 'ModuleNotFoundError', errorMessage: "ModuleNotFoundError: No module named 'cart'" } : s)) } : r,
    );
    const out = run(runs);
    expect(out.candidates.filter((c) => c.kind === 'flaky').map((c) => c.rootCause.step)).toEqual(['test']);
    const regression = out.candidates.find((c) => c.kind === 'error_pattern')!;
    expect(regression.rootCause.pattern).toMatch(/^ModuleNotFoundError/);
    expect(regression.severity).toBe('critical');
  });

  it('does not call a step that has needed a retry in every run since it began flaky', () => {
    const out = run(ciRuns(300, (i) => (i >= 100 ? 'retried' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
  });

  it('does not call failures flaky when they began at one moment and kept on (a regression)', () => {
    const out = run(ciRuns(300, (i, rand) => (i >= 270 && rand() < 0.6 ? 'fail' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
    expect(out.candidates.some((c) => c.kind === 'error_pattern' && c.rootCause.step === 'test')).toBe(true);
  });

  it('does not call a step flaky that ran clean for long and then began failing now and then (a regression)', () => {
    // 260 clean runs, then a quarter of the runs fail with nothing else changed: at that rate 260 clean runs in a
    // row would come about once in 10^32, so something changed at the first failure; quarantining the step hides it.
    const out = run(ciRuns(300, (i, rand) => (i === 260 || (i > 260 && rand() < 0.25) ? 'fail' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
    const regression = out.candidates.find((c) => c.kind === 'error_pattern' && c.rootCause.step === 'test')!;
    expect(regression.evidence.onset).toBe(new Date(260 * HOUR).toISOString());
  });

  it('still reports a step that began needing retries after a long clean stretch: no other finding would', () => {
    const out = run(ciRuns(300, (i, rand) => (i === 260 || (i > 260 && rand() < 0.25) ? 'retried' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky').map((c) => c.rootCause.step)).toEqual(['test']);
  });

  it('does not call failures flaky when they come in bursts', () => {
    // Failing for a few hours twice a day: an outage somewhere, not a coin toss.
    const out = run(ciRuns(300, (i) => (i % 24 < 4 ? 'fail' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
  });

  it('leaves failures that one host explains to the correlation', () => {
    const onHost = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const out = run(ciRuns(300, (i, rand) => (i % 3 === 0 && rand() < 0.5 ? 'fail' : 'pass'), onHost));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
    const c = out.candidates.find((x) => x.kind === 'correlation')!;
    expect(c.rootCause.attributes['host.name']).toBe('ci-bad');
  });

  it('names the host a step needs retries on, though every run passes', () => {
    const onHost = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const runs = ciRuns(300, (i, rand) => (i % 3 === 0 && rand() < 0.5 ? 'retried' : 'pass'), onHost);
    const out = run(runs);
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
    const found = out.candidates.filter((c) => c.kind === 'correlation');
    expect(found).toHaveLength(1);
    const c = found[0]!;
    const retried = runs.filter((r) => r.steps[2]!.attempt === 2);
    const since = runs.filter((r) => r.startMs >= retried[0]!.startMs);
    expect(c.rootCause).toMatchObject({ step: 'test', attributes: { 'host.name': 'ci-bad' } });
    expect(c.title).toBe(
      `Step \`suite › test\` of \`ci\` needs retries on host \`ci-bad\`: it passed only on a retry in ${retried.length} of ${since.length} runs since ${new Date(retried[0]!.startMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
    expect(c.evidence).toMatchObject({ affectedRuns: retried.length, totalRuns: since.length, current: { failed: 0, passedOnRetry: retried.length } });
    expect(c.severity).toBe('medium');
    expect(c.category).toBe('resource');
    expect(c.recommendations[0]!.title).toBe('Take `ci-bad` out of rotation and find why step `suite › test` needs retries there');
    // The step metrics count no step inside another: the advice names no series of theirs.
    expect(c.recommendations[0]!.steps.at(-1)).toBe(
      'The retries hide the fault until it fails runs: keep this finding open while they go on, as it counts them (`passedOnRetry`); `flowlens_step_retries_total` counts only the tries a runner numbers, of steps at the top of their runs, and not these.',
    );
    // Nothing was killed for memory: the advice for out-of-memory failures on a host does not apply.
    expect(c.recommendations.map((r) => r.title).join(' ')).not.toMatch(/memory/);
  });

  it('names no metric series for retries its runner did not number', () => {
    // `test` at the top of its runs fails and runs again, un-numbered, on `ci-bad`: the step metrics count no such try.
    const onHost = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const runs = ciRuns(300, () => 'pass', onHost).map((r, i) => {
      const { parentId: _, attempt: __, ...test } = r.steps[2]!;
      if (i % 6 !== 0) return { ...r, steps: [r.steps[0]!, test] };
      const failed: StepRecord = { ...test, id: `${test.id}a`, status: 'failure', endMs: test.startMs + 20_000, durationMs: 20_000, errorMessage: 'connection reset by peer' };
      return { ...r, steps: [r.steps[0]!, failed, { ...test, startMs: test.startMs + 30_000 }] };
    });
    const c = run(runs).candidates.find((x) => x.kind === 'correlation' && x.rootCause.step === 'test')!;
    expect(c.title).toMatch(/^Step `test` of `ci` needs retries on host `ci-bad`/);
    expect(c.recommendations[0]!.steps.at(-1)).toMatch(/^The retries hide the fault until it fails runs: keep this finding open while they go on/);
  });

  it('dates retries on a host that went bad from its first retry there, not from an older one elsewhere', () => {
    const wentBad = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i >= 200 && i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const runs = ciRuns(300, (i, rand) => (i === 20 || (i >= 200 && i % 3 === 0 && rand() < 0.6) ? 'retried' : 'pass'), wentBad);
    const c = run(runs).candidates.find((x) => x.kind === 'correlation')!;
    const onBad = runs.filter((r) => r.attributes['host.name'] === 'ci-bad' && r.steps[2]!.attempt === 2);
    expect(c.rootCause.attributes['host.name']).toBe('ci-bad');
    expect(c.evidence.onset).toBe(new Date(onBad[0]!.startMs).toISOString());
    expect(c.evidence.current).toMatchObject({ passedOnRetry: onBad.length });
  });

  it('gives one finding when a host makes a step fail and need retries, counting both', () => {
    const onHost = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const runs = ciRuns(300, (i, rand) => { if (i % 3 !== 0) return 'pass'; const r = rand(); return r < 0.2 ? 'fail' : r < 0.6 ? 'retried' : 'pass'; }, onHost);
    const found = run(runs).candidates.filter((c) => c.kind === 'correlation' || c.kind === 'flaky' || c.kind === 'error_pattern');
    expect(found).toHaveLength(1);
    const failed = runs.filter((r) => r.status === 'failure').length;
    expect(found[0]!.rootCause).toMatchObject({ step: 'test', attributes: { 'host.name': 'ci-bad' } });
    expect(found[0]!.title).toMatch(new RegExp(`needs retries on host \`ci-bad\`: it passed only on a retry in \\d+ and failed in ${failed} of`));
  });

  it('leaves failures and retries that one host explains to the failures\' correlation when that host explains the failures alone', () => {
    const onHost = (i: number, rand: () => number) => ({ 'service.version': '3.1.0', 'host.name': i % 3 === 0 ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! });
    const runs = ciRuns(300, (i, rand) => { if (i % 3 !== 0) return 'pass'; const r = rand(); return r < 0.6 ? 'fail' : r < 0.85 ? 'retried' : 'pass'; }, onHost);
    const found = run(runs).candidates.filter((c) => c.kind === 'correlation' || c.kind === 'flaky' || c.kind === 'error_pattern');
    expect(found).toHaveLength(1);
    expect(found[0]!.rootCause).toMatchObject({ step: 'test', stepPath: ['suite'], attributes: { 'host.name': 'ci-bad' } });
    expect(found[0]!.title).toMatch(/^`ci` fails in step `test` of `suite` on host `ci-bad`/);
  });

  it('does not call a step flaky when every failure was followed by other code', () => {
    // Each failure is fixed by the next release: a string of bugs, not a flaky step.
    let release = 0;
    const out = run(ciRuns(300, (i) => (i % 10 === 5 ? 'fail' : 'pass'), (i) => ({ 'service.version': `3.${i % 10 === 6 ? ++release : release}.0` })));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
  });

  it('does not call a step that fails most of the time flaky', () => {
    const out = run(ciRuns(300, (_, rand) => (rand() < 0.7 ? 'fail' : 'pass'), sameRelease));
    expect(out.candidates.filter((c) => c.kind === 'flaky')).toEqual([]);
  });
});

describe('a flaky step of a matrix', () => {
  const VERSIONS = ['18', '20', '22'];

  /** A CI run of a matrix: a job `test (<version>)` per version, each running `Run tests`, with its outcome there. */
  function matrixRun(i: number, outcomeIn: (version: string) => Outcome): RunRecord {
    const startMs = i * HOUR;
    const steps = VERSIONS.flatMap((version): StepRecord[] => {
      const outcome = outcomeIn(version);
      const status: RunStatus = outcome === 'fail' ? 'failure' : 'success';
      const error = outcome === 'fail' ? { errorMessage: `AssertionError: expected cart to hold 2 items within 5000 ms, got ${i % 2}` } : {};
      const job = step(`${i}:${version}`, `test (${version})`, startMs, status, outcome === 'fail' ? { errorMessage: 'job failed' } : {});
      const tests = step(`${i}:${version}:tests`, 'Run tests', startMs, status, { parentId: job.id, attempt: outcome === 'pass' ? 1 : 2, ...error });
      return [job, tests];
    });
    const failed = steps.some((s) => s.status === 'failure');
    return {
      id: `ci:${i}`, workflow: 'ci', runner: 'github-actions', runId: `ci-${i}`, traceId: i.toString(16).padStart(32, '0'), spanId: i.toString(16).padStart(16, '0'),
      status: failed ? 'failure' : 'success', startMs, endMs: startMs + 180_000, durationMs: 180_000, attributes: { 'service.version': '3.1.0' }, steps,
    };
  }

  const flakyOutcome = (rand: () => number): Outcome => { const r = rand(); return r < 0.08 ? 'fail' : r < 0.18 ? 'retried' : 'pass'; };

  it('names the job a step is flaky in, in the finding and its advice', () => {
    const rand = seededRandom(3);
    const runs = Array.from({ length: 300 }, (_, i) => matrixRun(i, (version) => (version === '18' ? flakyOutcome(rand) : 'pass')));
    const c = run(runs).candidates.find((x) => x.kind === 'flaky')!;
    expect(c.rootCause).toMatchObject({ step: 'Run tests', stepPath: ['test (18)'] });
    expect(c.title).toMatch(/^Step `test \(18\) › Run tests` of `ci` is flaky: /);
    expect(c.rootCause.description).toMatch(/^Step `test \(18\) › Run tests` fails now and then/);
    expect(c.recommendations[0]!.title).toBe('Quarantine and fix flaky step `test (18) › Run tests`');
  });

  it('names the job where the step fails by itself, not one where it fails because a step inside it failed', () => {
    // `Run tests` is flaky on Node 18; on Node 20 its `case 7` fails in every run, and `Run tests` with it.
    const rand = seededRandom(3);
    const runs = Array.from({ length: 300 }, (_, i) => {
      const r = matrixRun(i, (version) => (version === '18' ? flakyOutcome(rand) : version === '20' ? 'fail' : 'pass'));
      const tests20 = r.steps.find((s) => s.id === `${i}:20:tests`)!;
      return { ...r, steps: [...r.steps, step(`${i}:20:case7`, 'case 7', r.startMs, 'failure', { parentId: tests20.id, errorMessage: 'expected 7 to equal 8' })] };
    });
    const c = run(runs).candidates.find((x) => x.kind === 'flaky' && x.rootCause.step === 'Run tests')!;
    expect(c.rootCause.stepPath).toEqual(['test (18)']);
  });

  it('names the job of a step that needs retries on one host', () => {
    // On `ci-bad` (every third run), `Run tests` on Node 18 fails its first try most of the time.
    const rand = seededRandom(5);
    const runs = Array.from({ length: 300 }, (_, i) => {
      const bad = i % 3 === 0;
      const r = matrixRun(i, (version) => (version === '18' && bad && rand() < 0.7 ? 'retried' : 'pass'));
      return { ...r, attributes: { ...r.attributes, 'host.name': bad ? 'ci-bad' : HOSTS[Math.floor(rand() * HOSTS.length)]! } };
    });
    const c = run(runs).candidates.find((x) => x.kind === 'correlation' && x.rootCause.step === 'Run tests')!;
    expect(c.rootCause).toMatchObject({ stepPath: ['test (18)'], attributes: { 'host.name': 'ci-bad' } });
    expect(c.title).toMatch(/^Step `test \(18\) › Run tests` of `ci` needs retries on host `ci-bad`: /);
    expect(c.recommendations[0]!.title).toBe('Take `ci-bad` out of rotation and find why step `test (18) › Run tests` needs retries there');
  });

  it('names no job for a step flaky in every job', () => {
    const rand = seededRandom(3);
    const runs = Array.from({ length: 300 }, (_, i) => matrixRun(i, () => flakyOutcome(rand)));
    const c = run(runs).candidates.find((x) => x.kind === 'flaky')!;
    expect(c.rootCause.step).toBe('Run tests');
    expect(c.rootCause.stepPath).toBeUndefined();
    expect(c.title).toMatch(/^Step `Run tests` of `ci` is flaky: /);
  });
});

describe('runs test', () => {
  it('is near 0 for coin tosses, well below for blocks, above for strict alternation, NaN without both values', () => {
    const rand = seededRandom(5);
    expect(Math.abs(runsTestZ(Array.from({ length: 400 }, () => rand() < 0.3)))).toBeLessThan(2);
    expect(runsTestZ(Array.from({ length: 100 }, (_, i) => i >= 70))).toBeLessThan(-8);
    expect(runsTestZ(Array.from({ length: 100 }, (_, i) => i % 2 === 0))).toBeGreaterThan(8);
    expect(runsTestZ([true, true, true])).toBeNaN();
    expect(runsTestZ([])).toBeNaN();
  });
});
