import { describe, expect, it } from 'vitest';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, exception, span } from './helpers.js';

const resource = { 'service.name': 'n8n', 'n8n.instance.role': 'main' };
const execution = (status: string, code: number) =>
  span({
    // The execution continues the webhook caller's trace: its parent is never sent to us.
    id: '1', parent: 'ff', name: 'workflow.execute', start: 0, end: 900, resource, status: code,
    attributes: {
      'n8n.workflow.id': 'wf-7', 'n8n.workflow.name': 'Nightly Sync', 'n8n.execution.id': '5555', 'n8n.execution.mode': 'webhook',
      'n8n.execution.status': status, ...(status === 'error' ? { 'n8n.execution.error_type': 'NodeOperationError' } : {}),
    },
  });
const nodes = [
  span({ id: '2', parent: '1', name: 'node.execute', start: 10, end: 100, resource, status: 1, attributes: { 'n8n.node.name': 'Schedule', 'n8n.node.type': 'n8n-nodes-base.scheduleTrigger' } }),
  span({
    id: '3', parent: '1', name: 'node.execute', start: 100, end: 800, resource, status: 2, events: [exception('TypeError', 'connection refused')],
    attributes: { 'n8n.node.name': 'HTTP Request', 'n8n.node.type': 'n8n-nodes-base.httpRequest' },
  }),
  span({ id: '4', parent: '3', name: 'GET', kind: 3, start: 110, end: 790, resource, status: 2, attributes: { 'http.request.method': 'GET', 'url.full': 'https://api.example.com/v1/items?page=2' } }),
];

describe('n8n', () => {
  it('models executions and nodes, with the failing node as the error origin', () => {
    expect(describeRuns(modelTrace([execution('error', 2), ...nodes]))).toBe(
      [
        'run n8n "Nightly Sync" #5555 failure 900ms error=TypeError: connection refused',
        '  step "Schedule" success 90ms',
        '  step "HTTP Request" failure 700ms error=TypeError: connection refused ->api.example.com(http 1x 1err 680ms)',
      ].join('\n'),
    );
  });

  it('maps the execution statuses', () => {
    const statuses = [['success', 1], ['error', 2], ['canceled', 0], ['crashed', 2], ['waiting', 0]].map(
      ([s, code]) => modelTrace([execution(s as string, code as number)])[0]!.status,
    );
    expect(statuses).toEqual(['success', 'failure', 'cancelled', 'error', 'running']);
  });

  it('keeps the run error type from the execution when no node says more', () => {
    const [run] = modelTrace([execution('error', 2)]);
    expect(run).toMatchObject({ status: 'failure', errorType: 'NodeOperationError' });
  });

  it('does not turn the caller that started the execution into a workflow of its own', () => {
    const caller = span({ id: 'ff', name: 'POST /webhook/sync', kind: 2, start: -5, end: 950, resource: { 'service.name': 'gateway' } });
    expect(modelTrace([caller, execution('success', 1), ...nodes.slice(0, 1)]).map((r) => r.workflow)).toEqual(['Nightly Sync']);
  });
});

describe('n8n cancelled executions', () => {
  it('takes the node that was running when its execution was cancelled for cancelled, not failed', () => {
    const running = span({
      id: '3', parent: '1', name: 'node.execute', start: 100, end: 800, resource, status: 2, message: 'The execution was cancelled',
      attributes: { 'n8n.node.name': 'HTTP Request', 'n8n.node.type': 'n8n-nodes-base.httpRequest', 'n8n.node.termination_reason': 'workflow_cancelled' },
    });
    expect(describeRuns(modelTrace([execution('canceled', 0), nodes[0]!, running]))).toBe(
      [
        'run n8n "Nightly Sync" #5555 cancelled 900ms error=: The execution was cancelled',
        '  step "Schedule" success 90ms',
        '  step "HTTP Request" cancelled 700ms error=: The execution was cancelled',
      ].join('\n'),
    );
  });
});
