import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, span } from './helpers.js';

/** A CI system emitting the OTel CI/CD conventions, with the pipeline identity on the resource. */
const resource = { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': 'r-77' };
const task = (id: string, name: string, result: string, start: number, end: number, extra = {}) =>
  span({ id, parent: '1', name, start, end, resource, attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': result, ...extra } });
const pipeline = [
  span({ id: '1', name: 'RUN deploy', kind: 2, start: 0, end: 1_000, resource, attributes: { 'cicd.pipeline.action.name': 'RUN', 'cicd.pipeline.result': 'failure' } }),
  task('2', 'build', 'success', 10, 400),
  // Same resource, so it carries the pipeline identity too: it is part of the run, not another run.
  span({ id: '3', parent: '2', name: 'compile', start: 20, end: 300, resource }),
  task('4', 'deploy-prod', 'timeout', 400, 990, { 'error.type': 'timeout' }),
  task('5', 'notify', 'skip', 990, 990),
];

describe('OTel CI/CD semantic conventions', () => {
  it('models pipeline runs and tasks with the conventional results', () => {
    expect(describeRuns(modelTrace(pipeline))).toBe(
      [
        'run cicd "deploy" #r-77 failure 1000ms error=timeout: ',
        '  step "build" success 390ms',
        '  step "deploy-prod" timeout 590ms error=timeout: ',
        '  step "notify" skipped 0ms',
      ].join('\n'),
    );
  });

  it('maps every result value of the conventions, whatever their case', () => {
    const results = ['success', 'FAILURE', 'Error', 'timeout', 'cancellation', 'skip'].map(
      (r) => modelTrace([span({ id: '1', name: 'RUN x', start: 0, end: 1, resource, attributes: { 'cicd.pipeline.result': r } })])[0]!.status,
    );
    expect(results).toEqual(['success', 'failure', 'error', 'timeout', 'cancelled', 'skipped']);
  });

  it('shows a pipeline whose run span has not arrived as running, under the id it keeps once it has', () => {
    // A pipeline sends its run span when it ends: until then its finished tasks, and their steps, arrive alone.
    const running = modelTrace(pipeline.slice(1, 3));
    expect(describeRuns(running)).toBe(['run cicd "deploy" #r-77 running 390ms (inferred)', '  step "build" success 390ms'].join('\n'));
    const finished = modelTrace(pipeline);
    expect(running[0]!.id).toBe(finished[0]!.id);
    expect(finished[0]!.status).toBe('failure');
  });

  it('does not take a step that arrives before its task for a finished run', () => {
    const compile = pipeline[2]!;
    expect(modelTrace([compile]).map((run) => [run.workflow, run.runId, run.status])).toEqual([['deploy', 'r-77', 'running']]);
  });

  it('needs the run id to place a task without its run span', () => {
    const unnumbered = { 'service.name': 'ci-runner', 'cicd.pipeline.name': 'deploy' };
    const build = span({ id: '2', parent: '1', name: 'build', start: 10, end: 400, resource: unnumbered, attributes: { 'cicd.pipeline.task.name': 'build' } });
    expect(modelTrace([build])).toEqual([]);
  });

  it('accepts a numeric run id', () => {
    const [run] = modelTrace([span({ id: '1', name: 'RUN x', start: 0, end: 1, attributes: { 'cicd.pipeline.name': 'x', 'cicd.pipeline.run.id': 991 } })]);
    expect(run).toMatchObject({ runner: 'cicd', workflow: 'x', runId: '991', status: 'success' });
  });
});
