import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, span } from './helpers.js';

/** The Collector's githubreceiver: identity and raw GitHub conclusions on the resources, job events apart. */
const runResource = {
  'service.name': 'otel-collector', 'vcs.provider.name': 'github', 'cicd.pipeline.name': 'build-and-test',
  'cicd.pipeline.run.id': 1446, 'cicd.pipeline.run.status': 'timed_out',
};
// The receiver puts the *job* name in cicd.pipeline.name on job events.
const jobResource = { 'service.name': 'otel-collector', 'cicd.pipeline.name': 'lint', 'cicd.pipeline.task.run.id': 9, 'cicd.pipeline.run.task.status': 'failure' };
const step = (id: string, name: string, status: string, code: number, start: number, end: number) =>
  span({ id, parent: '3', name, start, end, status: code, message: 'failure', resource: jobResource, attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.run.task.status': status } });

const receiverTrace = [
  span({ id: '1', name: 'build-and-test', kind: 2, start: 0, end: 600_000, status: 0, message: 'timed_out', resource: runResource }),
  span({ id: '2', parent: '1', name: 'lint', start: 1_000, end: 500_000, status: 2, message: 'failure', resource: jobResource }),
  span({ id: '3', parent: '2', name: 'queue-lint', start: 1_000, end: 4_000, resource: jobResource, attributes: { 'cicd.pipeline.run.queue.duration': 3e9 } }),
  step('4', 'Set up job', 'success', 1, 4_000, 6_000),
  step('5', 'Run lint', 'failure', 2, 6_000, 400_000),
  // A skipped step: the receiver writes `failure` but leaves the span status unset.
  step('6', 'Upload report', 'failure', 0, 400_000, 400_000),
];

describe('GitHub Actions (githubreceiver)', () => {
  it('names the run after the workflow, not the job, and reads the receiver quirks', () => {
    expect(describeRuns(modelTrace(receiverTrace))).toBe(
      [
        'run github-actions "build-and-test" #1446 timeout 600000ms error=: failure',
        '  step "lint" failure 499000ms queue=3000ms error=: failure',
        '    step "Set up job" success 2000ms',
        '    step "Run lint" failure 394000ms error=: failure',
        '    step "Upload report" skipped 0ms',
      ].join('\n'),
    );
  });

  it('has no run while only the job event has arrived (its resource names the job, not the workflow)', () => {
    expect(modelTrace(receiverTrace.slice(1))).toEqual([]);
  });

  it('maps the GitHub conclusions', () => {
    const conclusions = ['success', 'failure', 'cancelled', 'skipped', 'timed_out', 'neutral', 'action_required', 'startup_failure', 'stale'];
    const statuses = conclusions.map(
      (c) => modelTrace([span({ id: '1', name: 'ci', start: 0, end: 1, resource: { ...runResource, 'cicd.pipeline.run.status': c } })])[0]!.status,
    );
    expect(statuses).toEqual(['success', 'failure', 'cancelled', 'skipped', 'timeout', 'success', 'failure', 'error', 'cancelled']);
  });

  it('tells attempts of one run apart', () => {
    const attempt = (trace: string, previous?: string) =>
      modelTrace([
        span({
          id: '1', trace, name: 'ci', start: 0, end: 1,
          resource: previous === undefined ? runResource : { ...runResource, 'cicd.pipeline.run.previous_attempt.url.full': previous },
        }),
      ])[0]!;
    const first = attempt('a'.repeat(32));
    const second = attempt('b'.repeat(32), 'https://github.com/o/r/actions/runs/1446/attempts/1');
    expect([first.attempt, second.attempt]).toEqual([undefined, 2]);
    expect(first.id).not.toBe(second.id);
  });
});

describe('GitHub Actions (githubreceiver) job conclusions it does not map', () => {
  it('takes a timed-out job for a timeout and one awaiting approval for a failure', () => {
    // The receiver writes these under the run's key on the job's resource, and leaves the span status unset.
    const job = (id: string, name: string, conclusion: string) =>
      span({
        id, parent: '1', name, start: 1_000, end: 2_000, message: conclusion,
        resource: { 'service.name': 'otel-collector', 'cicd.pipeline.name': name, 'cicd.pipeline.task.run.id': Number(id), 'cicd.pipeline.run.status': conclusion },
      });
    const trace = [receiverTrace[0]!, job('2', 'e2e', 'timed_out'), job('3', 'deploy', 'action_required')];
    expect(describeRuns(modelTrace(trace))).toBe(
      [
        'run github-actions "build-and-test" #1446 timeout 600000ms error=: timed_out',
        '  step "e2e" timeout 1000ms error=: timed_out',
        '  step "deploy" failure 1000ms error=: action_required',
      ].join('\n'),
    );
  });
});
