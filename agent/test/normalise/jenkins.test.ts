import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, exception, span } from './helpers.js';

const build = (result: string) =>
  span({
    id: '1', name: 'BUILD my-org/app', kind: 2, start: 0, end: 10_000, status: result === 'SUCCESS' ? 1 : 2,
    attributes: { 'ci.pipeline.id': 'my-org/app', 'ci.pipeline.name': 'my-org » app', 'ci.pipeline.run.number': 42, 'ci.pipeline.run.result': result },
  });
const step = (type: string) => ({ 'jenkins.pipeline.step.type': type });

/** A declarative pipeline as the Jenkins OpenTelemetry plugin traces it: phases, agent, stages, parallel branches. */
const jenkinsTrace = [
  build('FAILURE'),
  span({ id: '2', parent: '1', name: 'Phase: Start', start: 0, end: 100 }),
  span({ id: '3', parent: '1', name: 'Phase: Run', start: 100, end: 9_000 }),
  span({ id: '4', parent: '3', name: 'Agent Allocation', start: 100, end: 1_100 }),
  span({ id: '5', parent: '3', name: 'Agent', start: 1_100, end: 9_000, attributes: step('node') }),
  span({ id: '6', parent: '5', name: 'Stage: Checkout', start: 1_200, end: 2_000, attributes: step('stage') }),
  span({ id: '7', parent: '6', name: 'git', start: 1_300, end: 1_900, attributes: step('git') }),
  span({ id: '8', parent: '5', name: 'Stage: Test', start: 2_000, end: 8_000, status: 2, attributes: step('stage') }),
  span({ id: '9', parent: '8', name: 'Parallel branch: unit', start: 2_100, end: 5_000, attributes: step('parallel') }),
  span({ id: 'a', parent: '9', name: 'Shell Script', start: 2_200, end: 4_900, attributes: step('sh') }),
  span({ id: 'b', parent: '8', name: 'Parallel branch: integration', start: 2_100, end: 7_000, status: 2, attributes: step('parallel') }),
  span({
    id: 'c', parent: 'b', name: 'Shell Script', start: 2_200, end: 6_900, status: 2, attributes: step('sh'),
    events: [exception('hudson.AbortException', 'script returned exit code 1')],
  }),
  span({ id: 'd', parent: '1', name: 'Phase: Finalise', start: 9_000, end: 10_000 }),
];

describe('Jenkins', () => {
  it('models stages and parallel branches as steps, phases as plumbing and agent allocation as queue time', () => {
    expect(describeRuns(modelTrace(jenkinsTrace))).toBe(
      [
        'run jenkins "my-org/app" #42 failure 10000ms queue=1000ms error=hudson.AbortException: script returned exit code 1',
        '  step "Checkout" success 800ms',
        '  step "Test" failure 6000ms error=hudson.AbortException: script returned exit code 1',
        '    step "unit" success 2900ms',
        '    step "integration" failure 4900ms error=hudson.AbortException: script returned exit code 1',
      ].join('\n'),
    );
  });

  it('maps the build results', () => {
    const statuses = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'].map((r) => modelTrace([build(r)])[0]!.status);
    expect(statuses).toEqual(['success', 'failure', 'failure', 'skipped', 'cancelled']);
  });

  it("gives the stages an agent wraps that agent's attributes, their own first", () => {
    const onAgent = jenkinsTrace.map((s) =>
      s.name === 'Agent' ? { ...s, attributes: { ...s.attributes, 'ci.pipeline.agent.id': 'linux-3', 'jenkins.pipeline.step.agent.label': 'linux' } } : s,
    );
    const steps = modelTrace(onAgent)[0]!.steps;
    expect(steps.map((s) => [s.name, s.attributes['ci.pipeline.agent.id'], s.attributes['jenkins.pipeline.step.type']])).toEqual([
      ['Checkout', 'linux-3', 'stage'],
      ['Test', 'linux-3', 'stage'],
      // Within a stage, the stage carries it.
      ['unit', undefined, 'parallel'],
      ['integration', undefined, 'parallel'],
    ]);
  });

  it("gives a stage the attributes of an agent declared inside it (a pipeline with `agent none`)", () => {
    const trace = [
      build('FAILURE'),
      span({ id: '2', parent: '1', name: 'Stage: Test', start: 0, end: 5_000, status: 2, attributes: step('stage') }),
      span({ id: '3', parent: '2', name: 'Agent', start: 100, end: 5_000, attributes: { ...step('node'), 'ci.pipeline.agent.id': 'linux-3' } }),
      span({ id: '4', parent: '3', name: 'Shell Script', start: 200, end: 4_900, status: 2, attributes: step('sh') }),
    ];
    const [stage] = modelTrace(trace)[0]!.steps;
    expect([stage!.name, stage!.attributes['ci.pipeline.agent.id'], stage!.attributes['jenkins.pipeline.step.type']]).toEqual(['Test', 'linux-3', 'stage']);
  });

  it('folds pipeline steps into their stage', () => {
    const checkout = modelTrace(jenkinsTrace)[0]!.steps[0]!;
    expect(checkout.spanIds).toEqual(['0000000000000006', '0000000000000007']);
  });
});

describe('Jenkins results and controllers', () => {
  it('maps stage results: UNSTABLE is a failure, ABORTED cancelled, NOT_EXECUTED skipped, whatever the span status', () => {
    const stage = (id: string, name: string, result: string, status: number) =>
      span({ id, parent: '1', name: `Stage: ${name}`, start: 0, end: 1_000, status, attributes: { ...step('stage'), 'jenkins.pipeline.step.result': result } });
    const trace = [build('ABORTED'), stage('2', 'Build', 'SUCCESS', 1), stage('3', 'Test', 'UNSTABLE', 1), stage('4', 'Deploy', 'ABORTED', 0), stage('5', 'Notify', 'NOT_EXECUTED', 0)];
    expect(modelTrace(trace)[0]!.steps.map((s) => [s.name, s.status])).toEqual([
      ['Build', 'success'],
      ['Test', 'failure'],
      ['Deploy', 'cancelled'],
      ['Notify', 'skipped'],
    ]);
  });

  it('keeps build #12 of one job on two controllers apart; a build no controller names keeps its id', () => {
    const buildOn = (trace: string, result: string, resource: Record<string, string>) =>
      modelTrace([{ ...build(result), traceId: trace.repeat(32), resource: { 'service.name': 'jenkins', ...resource } }])[0]!;
    const a = buildOn('a', 'FAILURE', { 'service.instance.id': '5d41402abc4b2a76b9719d911017c592' });
    const b = buildOn('b', 'SUCCESS', { 'service.instance.id': '7d793037a0760186574b0282f2f435e7' });
    // Older plugin versions name the controller by its URL only.
    const old = buildOn('c', 'SUCCESS', { 'jenkins.url': 'https://ci-eu.example.com/' });
    expect([a, b, old].map((r) => [r.runId, r.status])).toEqual([['42', 'failure'], ['42', 'success'], ['42', 'success']]);
    expect(new Set([a.id, b.id, old.id]).size).toBe(3);
    const plain = buildOn('d', 'SUCCESS', {});
    expect(plain.id).toBe(createHash('sha256').update('jenkins\nmy-org/app\n42\n').digest('hex').slice(0, 32));
  });
});
