import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, span } from './helpers.js';

const PRODUCER = 4;
const wf = { name: 'ci-build-x7k2p', namespace: 'argo' };
const node = (id: string, nodeId: string, type: string, start: number, end: number, status: number, message = '') =>
  span({ id, parent: '1', name: 'node', kind: PRODUCER, start, end, status, message, attributes: { node_id: nodeId, ...wf, node_type: type } });

/** The workflow controller's spans: `workflow`, its `node`s (the root node carries the workflow's name), phases. */
const argoTrace = [
  span({ id: '1', name: 'workflow', start: 0, end: 60_000, status: 2, message: 'Failed', attributes: wf, resource: { 'service.name': 'workflow-controller' } }),
  node('2', 'ci-build-x7k2p', 'DAG', 100, 59_000, 2, 'Failed'),
  node('3', 'ci-build-x7k2p-1111', 'Pod', 1_000, 20_000, 1),
  node('4', 'ci-build-x7k2p-2222', 'Pod', 21_000, 50_000, 2, 'Failed'),
  span({ id: '5', parent: '4', name: 'nodePhase', start: 21_000, end: 22_000, attributes: { node_id: 'ci-build-x7k2p-2222', node_phase: 'Pending' } }),
  node('6', 'ci-build-x7k2p-3333', 'Skipped', 51_000, 51_000, 2, 'Unexpected phase'),
  span({ id: '7', parent: '1', name: 'reconcileWorkflow', start: 100, end: 200 }),
];

describe('Argo Workflows', () => {
  it('models the workflow under its generateName prefix, nodes as steps, the root node as plumbing', () => {
    expect(describeRuns(modelTrace(argoTrace))).toBe(
      [
        'run argo "ci-build" #ci-build-x7k2p failure 60000ms error=: Failed',
        '  step "ci-build-x7k2p-1111" success 19000ms',
        '  step "ci-build-x7k2p-2222" failure 29000ms error=: Failed',
        '  step "ci-build-x7k2p-3333" skipped 0ms',
      ].join('\n'),
    );
  });

  it('strips per-run suffixes only: generated names and CronWorkflow timestamps', () => {
    const names = ['etl-x7k2p', 'etl-a1b2c', 'nightly-1732240000', 'ci-build', 'data-check'].map(
      (name) => modelTrace([span({ id: '1', name: 'workflow', start: 0, end: 1, attributes: { name, namespace: 'argo' } })])[0]!,
    );
    expect(names.map((r) => [r.workflow, r.runId === r.traceId ? 'trace' : r.runId])).toEqual([
      ['etl', 'etl-x7k2p'],
      ['etl', 'etl-a1b2c'],
      ['nightly', 'nightly-1732240000'],
      ['ci-build', 'trace'],
      ['data-check', 'trace'],
    ]);
  });

  it('tells runs of a fixed-name workflow apart by trace', () => {
    const fixed = { name: 'nightly-backup', namespace: 'ops' };
    const runs = ['a', 'b'].map((t) => modelTrace([span({ id: '1', trace: t.repeat(32), name: 'workflow', start: 0, end: 1, status: 1, attributes: fixed })])[0]!);
    expect(runs.map((r) => r.workflow)).toEqual(['nightly-backup', 'nightly-backup']);
    expect(runs[0]!.id).not.toBe(runs[1]!.id);
  });
});
