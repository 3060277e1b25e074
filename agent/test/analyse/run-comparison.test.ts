import { describe, expect, it } from 'vitest';
import type { RunRecord, RunStatus, StepRecord } from '../../src/model/workflow.js';
import { changeCount, compareRuns, compareWithLastSuccess, describeComparison, errorText } from '../../src/analyse/run-comparison.js';

let nextId = 0;

function step(name: string, durationS: number, more: Partial<StepRecord> = {}): StepRecord {
  const startMs = more.startMs ?? nextId * 1_000;
  return {
    id: `s${nextId++}`,
    name,
    status: 'success',
    startMs,
    endMs: startMs + durationS * 1_000,
    durationMs: durationS * 1_000,
    attributes: {},
    downstream: [],
    spanIds: [],
    ...more,
  };
}

function run(steps: StepRecord[], more: Partial<RunRecord> = {}): RunRecord {
  return {
    id: `r${nextId++}`,
    workflow: 'w',
    runner: 'temporal',
    runId: 'x',
    traceId: 't',
    spanId: '',
    status: 'success',
    startMs: 0,
    endMs: 60_000,
    durationMs: 60_000,
    attributes: {},
    steps,
    ...more,
  };
}

const kinds = (runA: RunRecord, runB: RunRecord) => compareRuns(runB, runA).steps.map((c) => [c.kind, [...c.path, c.name].join(' › ')]);

describe('compareRuns', () => {
  it('matches the n-th step of a name with the n-th, so a loop that ran once more shows one added step', () => {
    const before = run([step('fetch', 2), step('fetch', 2), step('store', 1)]);
    const after = run([step('fetch', 2), step('fetch', 2), step('fetch', 9), step('store', 1)]);
    expect(kinds(before, after)).toEqual([['added', 'fetch']]);
    expect(compareRuns(after, before).stepsCompared).toBe(3);
    expect(compareRuns(after, before).steps[0]!.step!.durationMs).toBe(9_000);
  });

  it('tells steps of the same name apart by the steps enclosing them', () => {
    const buildA = step('build', 10);
    const testA = step('test', 10);
    const before = run([buildA, testA, step('setup', 1, { parentId: buildA.id }), step('setup', 10, { parentId: testA.id })]);
    const buildB = step('build', 10);
    const testB = step('test', 10);
    // The test job's setup starts first this time: matched by order alone, each setup would meet the other.
    const after = run([buildB, testB, step('setup', 1, { parentId: buildB.id, startMs: 90_000 }), step('setup', 20, { parentId: testB.id, startMs: 80_000 })]);
    const comparison = compareRuns(after, before);
    expect(comparison.steps.map((c) => [c.kind, c.path, c.name])).toEqual([['slower', ['test'], 'setup']]);
    expect(comparison.stepsCompared).toBe(4);
  });

  it('lists a job added or gone once, not each of its steps', () => {
    const job = step('deploy', 30);
    const withJob = run([step('build', 5), job, step('push', 10, { parentId: job.id }), step('verify', 10, { parentId: job.id })]);
    const without = run([step('build', 5)]);
    expect(kinds(without, withJob)).toEqual([['added', 'deploy']]);
    expect(kinds(withJob, without)).toEqual([['missing', 'deploy']]);
  });

  it('does not call the steps a running run has not reached yet missing, but names them as not reached', () => {
    const finished = run([step('a', 1), step('b', 1), step('c', 1)]);
    const running = run([step('a', 1)], { status: 'running' });
    const comparison = compareRuns(running, finished);
    expect(comparison.steps).toEqual([]);
    expect(comparison.notReached).toEqual(['b', 'c']);
    expect(describeComparison(comparison)).toEqual(['still running: not yet at step `b`, step `c`']);
    expect(compareRuns(run([step('a', 1)]), finished).notReached).toBeUndefined();
  });

  it('orders failures first, then the largest slowdowns, then other changes', () => {
    const s = (name: string, d: number, status: RunStatus = 'success') => step(name, d, { status });
    const before = run([s('a', 10), s('b', 10), s('c', 10), s('d', 10, 'failure'), s('e', 10), s('f', 10), s('gone', 1)]);
    const after = run([s('a', 15), s('b', 40), s('c', 10, 'failure'), s('d', 10), s('e', 2), s('f', 10, 'skipped'), s('new', 1)]);
    expect(kinds(before, after)).toEqual([
      ['failed', 'c'],
      ['slower', 'b'],
      ['slower', 'a'],
      ['added', 'new'],
      ['missing', 'gone'],
      ['status', 'f'],
      ['recovered', 'd'],
      ['faster', 'e'],
    ]);
  });

  it('takes a duration change as a change only when it is both a second and half as much again', () => {
    const before = run([step('quick', 1), step('long', 100), step('tiny', 0)]);
    const after = run([step('quick', 1.9), step('long', 140), step('tiny', 0.5)]);
    expect(kinds(before, after)).toEqual([]);
    const slower = run([step('quick', 2), step('long', 150), step('tiny', 1)]);
    expect(kinds(before, slower)).toEqual([['slower', 'long'], ['slower', 'quick'], ['slower', 'tiny']]);
  });

  it('tells a step that waited longer for a worker from one that worked longer', () => {
    // Temporal activities: their time holds their wait for a worker.
    const activity = (name: string, waitS: number, workS: number) => step(name, waitS + workS, { queueMs: waitS * 1000, queueWithin: true });
    const before = run([activity('charge', 0.3, 6), activity('notify', 0, 2)]);
    const after = run([activity('charge', 90, 6), activity('notify', 0, 8)]);
    const comparison = compareRuns(after, before);
    expect(kinds(before, after)).toEqual([
      ['slower', 'notify'],
      ['waited', 'charge'],
    ]);
    expect(describeComparison(comparison)).toEqual(['step `notify`: 2.0 s → 8.0 s (4×)', 'step `charge` waited 300 ms → 90 s (300×) for a worker']);
    // Worked longer and waited longer: slower, by its work.
    expect(describeComparison(compareRuns(run([activity('charge', 90, 25)]), run([activity('charge', 0.3, 6)])))).toEqual(['step `charge`: 6.0 s → 25 s (4.2×)']);
    // Ranked by what changed: 30 s more work comes before 3 s more work, whatever the waits around them.
    const ranked = compareRuns(run([activity('charge', 0, 5), activity('big', 0, 40)]), run([activity('charge', 60, 2), activity('big', 0, 10)]));
    expect(describeComparison(ranked)).toEqual(['step `big`: 10 s → 40 s (4×)', 'step `charge`: 2.0 s → 5.0 s (2.5×)']);
  });

  it("names attribute and downstream changes, leaving out ids, run numbers, times, URLs and the outcome's own fields", () => {
    const call = (name: string, errors = 0) => ({ name, kind: 'http' as const, calls: 1, errors, durationMs: 100 });
    const before = run([step('pay', 3, { attributes: { region: 'eu-west-1', 'job.id': '17', 'url.full': 'https://a/1' }, downstream: [call('bank'), call('ledger')] })], {
      attributes: { 'service.version': '1.4.2', 'host.name': 'w1', 'run.id': 'a', timestamp: 1, 'workflow.status': 'ok', 'ci.pipeline.run.number': 1201, 'github.run_number': 88 },
    });
    const after = run([step('pay', 3, { attributes: { region: 'eu-west-2', 'job.id': '18', 'url.full': 'https://a/2' }, downstream: [call('bank', 2), call('fraud')] })], {
      attributes: { 'service.version': '1.5.0', 'host.name': 'w1', 'run.id': 'b', timestamp: 2, 'workflow.status': 'failed', canary: true, 'ci.pipeline.run.number': 1202, 'github.run_number': 89 },
    });
    const comparison = compareRuns(after, before);
    expect(comparison.attributes).toEqual([
      { key: 'canary', from: null, to: true },
      { key: 'service.version', from: '1.4.2', to: '1.5.0' },
    ]);
    expect(comparison.steps).toHaveLength(1);
    expect(comparison.steps[0]).toMatchObject({
      kind: 'changed',
      attributes: [{ key: 'region', from: 'eu-west-1', to: 'eu-west-2' }],
      downstream: { added: ['fraud'], removed: ['ledger'], failing: ['bank'] },
    });
  });

  it('says each change in a sentence, at most eight, and an error type once', () => {
    const before = run(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n) => step(n, 1)), { attributes: { 'service.version': '1' } });
    const after = run(
      [step('a', 1, { status: 'failure', errorType: 'ValidationError', errorMessage: 'ValidationError: bad row 3' }), ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n) => step(n, 4))],
      { attributes: { 'service.version': '2' } },
    );
    expect(describeComparison(compareRuns(after, before))).toEqual([
      '`service.version`: 1 → 2',
      'step `a` failed: ValidationError: bad row 3',
      'step `b`: 1.0 s → 4.0 s (4×)',
      'step `c`: 1.0 s → 4.0 s (4×)',
      'step `d`: 1.0 s → 4.0 s (4×)',
      'step `e`: 1.0 s → 4.0 s (4×)',
      'step `f`: 1.0 s → 4.0 s (4×)',
      'and 3 more changes',
    ]);
    expect(changeCount(compareRuns(after, before))).toBe(10);
    expect(errorText({ status: 'error', startMs: 0, endMs: 0, durationMs: 0, errorType: 'Timeout', errorMessage: 'after 30 s' })).toBe('Timeout: after 30 s');
    expect(errorText({ status: 'error', startMs: 0, endMs: 0, durationMs: 0, errorType: 'OOMKilled', errorMessage: 'container train killed: OOMKilled' })).toBe(
      'container train killed: OOMKilled',
    );
    expect(errorText({ status: 'error', startMs: 0, endMs: 0, durationMs: 0, errorType: 'Timeout', errorMessage: 'TimeoutError raised' })).toBe('Timeout: TimeoutError raised');
  });

  it('marks the attributes that changed twice or more over the last successful runs, and says only the others', () => {
    const at = (startMs: number, status: RunStatus, attributes: Record<string, string>) => run([step('a', 1)], { startMs, status, attributes });
    const history = [
      at(1, 'success', { 'host.name': 'w1', 'service.version': '1.3', region: 'eu' }),
      at(2, 'success', { 'host.name': 'w2', 'service.version': '1.4', region: 'eu' }),
      at(3, 'failure', { 'host.name': 'w9', 'service.version': '1.4', region: 'eu' }),
      at(4, 'success', { 'host.name': 'w1', 'service.version': '1.4', region: 'eu' }),
      at(5, 'success', { 'host.name': 'w3', 'service.version': '1.4', region: 'eu' }),
    ];
    const failed = at(6, 'failure', { 'host.name': 'w2', 'service.version': '1.5', region: 'us' });
    const { baseline, comparison } = compareWithLastSuccess([...history, failed], failed)!;
    expect(baseline).toBe(history[4]);
    // The host changed between each pair of successful runs; the version once, before, and the region never.
    expect(comparison.attributes).toEqual([
      { key: 'region', from: 'eu', to: 'us' },
      { key: 'service.version', from: '1.4', to: '1.5' },
      { key: 'host.name', from: 'w3', to: 'w2', varies: true },
    ]);
    expect(describeComparison(comparison)).toEqual(['`region`: eu → us', '`service.version`: 1.4 → 1.5']);
    expect(compareWithLastSuccess(history, history[0]!)).toBeUndefined();
  });

  it("does not call a step changed for attributes that vary from run to run, as its host or its try number", () => {
    const at = (startMs: number, status: RunStatus, host: string, image: string) =>
      run([step('build', 5, { attributes: { 'host.name': host, 'container.image.tag': image } })], { startMs, status });
    const history = [at(1, 'success', 'w1', 'v1'), at(2, 'success', 'w2', 'v1'), at(3, 'success', 'w3', 'v1')];
    const otherHost = at(4, 'success', 'w1', 'v1');
    expect(compareWithLastSuccess([...history, otherHost], otherHost)!.comparison.steps).toEqual([]);
    const newImage = at(4, 'success', 'w1', 'v2');
    const [change] = compareWithLastSuccess([...history, newImage], newImage)!.comparison.steps;
    expect(change).toMatchObject({
      kind: 'changed',
      attributes: [
        { key: 'container.image.tag', from: 'v1', to: 'v2' },
        { key: 'host.name', from: 'w3', to: 'w1', varies: true },
      ],
    });
    expect(describeComparison(compareWithLastSuccess([...history, newImage], newImage)!.comparison)).toEqual(['step `build`: `container.image.tag` v1 → v2']);
  });

  it('pairs steps of one name started together alike, whatever their span ids, and reads only own attributes', () => {
    const shards = (ids: string[]) => run(ids.map((id, i) => step('shard', 10 + 20 * i, { id, startMs: 0 })), { attributes: {} });
    expect(compareRuns(shards(['z1', 'a2']), shards(['a1', 'z2'])).steps).toEqual([]);
    const withKey = run([], { attributes: { constructor: 'x' } });
    expect(compareRuns(withKey, run([])).attributes).toEqual([{ key: 'constructor', from: null, to: 'x' }]);
  });

  it('leaves out ids derived from each run\'s own id, on the run and on its steps, and keeps a release or an image that changed', () => {
    // As Temporal's Go SDK tags them: the workflow id is the run's id with a prefix, whatever the key calls it.
    const temporal = (n: number, version: string, digest: string) => {
      const runId = `payments-sync-${n}`;
      const ids = { temporalWorkflowID: `payments-sync-${runId}`, 'job.name': `sync ${runId}` };
      return run([step('charge', 2, { attributes: { ...ids, 'service.version': version } })], {
        runId,
        traceId: `${n}`.padStart(32, '0'),
        attributes: { ...ids, 'container.image.id': digest },
      });
    };
    const comparison = compareRuns(temporal(383, '1.4.3', 'sha256:bbb'), temporal(380, '1.4.2', 'sha256:aaa'));
    expect(comparison.attributes).toEqual([{ key: 'container.image.id', from: 'sha256:aaa', to: 'sha256:bbb' }]);
    expect(comparison.steps.map((c) => c.attributes)).toEqual([[{ key: 'service.version', from: '1.4.2', to: '1.4.3' }]]);
    // A value that no longer embeds the run's id is a change.
    const renamed = temporal(383, '1.4.2', 'sha256:aaa');
    renamed.attributes['job.name'] = 'sync nightly';
    expect(compareRuns(renamed, temporal(380, '1.4.2', 'sha256:aaa')).attributes.map((a) => a.key)).toEqual(['job.name']);
  });

  it('leaves out workflow, activity and node ids by their keys, however their values are made', () => {
    // A Temporal workflow id is often a business key ("order-42") that shares nothing with the run id.
    const withIds = (n: number) =>
      run([], { runId: `r-${n}`, attributes: { temporalWorkflowID: `order-${n}`, temporalActivityID: `${n}`, node_id: `wf-${n}-step`, 'tenant.id': 'acme' } });
    expect(compareRuns(withIds(43), withIds(42)).attributes).toEqual([]);
  });
});
