import { describe, expect, it } from 'vitest';
import type { OtlpSpan, SpanEvent } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/index.js';
import { describeRuns, exception, span } from './helpers.js';

const CLIENT = 3;
const SERVER = 2;
const worker = { 'service.name': 'order-worker' };
const ids = (workflowId: string, runId: string) => ({ temporalWorkflowID: workflowId, temporalRunID: runId });

/** A Go-SDK order workflow: two activities (one retried three times, failing), one child workflow. */
const orderTrace = [
  span({ id: '1', name: 'StartWorkflow:OrderWorkflow', kind: CLIENT, start: 0, end: 5, resource: { 'service.name': 'shop-api' } }),
  span({
    id: '2', parent: '1', name: 'RunWorkflow:OrderWorkflow', kind: SERVER, start: 20, end: 500, resource: worker,
    attributes: ids('order-42', 'run-1'), status: 2, events: [exception('ActivityError', 'activity error')],
  }),
  span({ id: '3', parent: '2', name: 'StartActivity:ValidateOrder', kind: CLIENT, start: 25, end: 26, resource: worker, attributes: ids('order-42', 'run-1') }),
  span({ id: '4', parent: '3', name: 'RunActivity:ValidateOrder', kind: SERVER, start: 30, end: 60, resource: worker, attributes: ids('order-42', 'run-1') }),
  span({
    id: '5', parent: '4', name: 'GET', kind: CLIENT, start: 35, end: 55, resource: worker,
    attributes: { 'http.request.method': 'GET', 'server.address': 'inventory.internal', 'server.port': 8080 },
  }),
  span({ id: '6', parent: '2', name: 'StartActivity:ChargeCard', kind: CLIENT, start: 70, end: 71, resource: worker }),
  ...[['7', 80, 100], ['9', 200, 300], ['a', 400, 480]].map(([id, start, end]) =>
    span({
      id: id as string, parent: '6', name: 'RunActivity:ChargeCard', kind: SERVER, start: start as number, end: end as number,
      resource: worker, status: 2, events: [exception('PaymentDeclined', 'card declined')],
    }),
  ),
  ...['8', '10', '11'].map((id, i) =>
    span({
      id, parent: ['7', '9', 'a'][i], name: 'SELECT payments', kind: CLIENT, start: [85, 210, 410][i]!, end: [95, 220, 420][i]!,
      resource: worker, attributes: { 'db.system': 'postgresql', 'db.name': 'payments' },
    }),
  ),
  span({ id: 'b', parent: '2', name: 'StartChildWorkflow:ShipOrder', kind: CLIENT, start: 110, end: 190, resource: worker }),
  span({ id: 'c', parent: 'b', name: 'RunWorkflow:ShipOrder', kind: SERVER, start: 120, end: 180, resource: worker, attributes: ids('ship-42', 'run-2') }),
  span({ id: 'd', parent: 'c', name: 'StartActivity:BookCourier', kind: CLIENT, start: 125, end: 126, resource: worker }),
  span({ id: 'e', parent: 'd', name: 'RunActivity:BookCourier', kind: SERVER, start: 130, end: 170, resource: worker }),
  span({ id: 'f', parent: 'e', name: 'POST', kind: CLIENT, start: 140, end: 160, resource: worker, attributes: { 'peer.service': 'courier-api' } }),
];

describe('Temporal', () => {
  it('models workflow runs, activity steps with their attempts, child workflows and downstream calls', () => {
    expect(describeRuns(modelTrace(orderTrace))).toBe(
      [
        'run temporal "OrderWorkflow" #run-1 failure 480ms queue=20ms error=PaymentDeclined: card declined',
        '  step "ValidateOrder" success 35ms queue=5ms attempt=1 ->inventory.internal:8080(http 1x 0err 20ms)',
        '  step "ChargeCard" failure 410ms queue=10ms attempt=3 error=PaymentDeclined: card declined ->postgresql/payments(db 3x 0err 30ms)',
        '  step "ShipOrder" success 80ms',
        'run temporal "ShipOrder" #run-2 success 60ms queue=10ms',
        '  step "BookCourier" success 45ms queue=5ms attempt=1 ->courier-api(other 1x 0err 20ms)',
      ].join('\n'),
    );
  });

  it('lists every span folded into an activity step, so its logs can be attached', () => {
    const charge = modelTrace(orderTrace)[0]!.steps.find((s) => s.name === 'ChargeCard')!;
    expect(charge.id).toBe('0000000000000006');
    expect([...charge.spanIds].sort()).toEqual(['6', '7', '8', '9', 'a', '10', '11'].map((id) => id.padStart(16, '0')).sort());
  });

  it('takes a retried activity that finally succeeded as a success', () => {
    const retried = [
      span({ id: '1', name: 'RunWorkflow:Nightly', kind: SERVER, start: 0, end: 100, attributes: ids('n', 'r') }),
      span({ id: '2', parent: '1', name: 'StartActivity:Fetch', kind: CLIENT, start: 1, end: 2 }),
      span({ id: '3', parent: '2', name: 'RunActivity:Fetch', kind: SERVER, start: 3, end: 10, status: 2, events: [exception('Timeout', 'slow')] }),
      span({ id: '4', parent: '2', name: 'RunActivity:Fetch', kind: SERVER, start: 20, end: 30, status: 1 }),
    ];
    expect(describeRuns(modelTrace(retried))).toBe(['run temporal "Nightly" #r success 100ms', '  step "Fetch" success 29ms queue=2ms attempt=2'].join('\n'));
  });

  it("places an activity on the host of the attempt that failed first, not on the workflow worker's that scheduled it", () => {
    const onHost = (host: string) => ({ 'service.name': 'report-worker', 'host.name': host });
    const retried = [
      span({ id: '1', name: 'RunWorkflow:Report', kind: SERVER, start: 0, end: 100, resource: onHost('wf-1'), attributes: ids('r', 'r1') }),
      span({ id: '2', parent: '1', name: 'StartActivity:Upload', kind: CLIENT, start: 1, end: 2, resource: onHost('wf-1'), attributes: ids('r', 'r1') }),
      span({ id: '3', parent: '2', name: 'RunActivity:Upload', kind: SERVER, start: 3, end: 10, resource: onHost('act-3'), status: 2, events: [exception('PermissionDenied', 'open /var/secrets/s3.json: permission denied')] }),
      span({ id: '4', parent: '2', name: 'RunActivity:Upload', kind: SERVER, start: 20, end: 30, resource: onHost('act-1'), attributes: { 'temporal.activity.attempt': 2 }, status: 1 }),
      span({ id: '5', parent: '1', name: 'StartActivity:Notify', kind: CLIENT, start: 40, end: 41, resource: onHost('wf-1') }),
      span({ id: '6', parent: '5', name: 'RunActivity:Notify', kind: SERVER, start: 42, end: 50, resource: onHost('act-2'), status: 1 }),
    ];
    const [run] = modelTrace(retried);
    expect(run!.steps.map((s) => [s.name, s.status, s.attributes['host.name']])).toEqual([
      ['Upload', 'success', 'act-3'],
      ['Notify', 'success', 'act-2'],
    ]);
    expect(run!.attributes['host.name']).toBe('wf-1');
  });

  it('takes the error of a retried activity from its last attempt, however deep an earlier one failed', () => {
    const retried = [
      span({ id: '1', name: 'RunWorkflow:Nightly', kind: SERVER, start: 0, end: 100, status: 2, attributes: ids('n', 'r') }),
      span({ id: '2', parent: '1', name: 'StartActivity:Fetch', kind: CLIENT, start: 1, end: 2 }),
      span({ id: '3', parent: '2', name: 'RunActivity:Fetch', kind: SERVER, start: 3, end: 10, status: 2, events: [exception('DbError', 'wrapped')] }),
      span({ id: '4', parent: '3', name: 'SELECT', kind: CLIENT, start: 4, end: 9, status: 2, events: [exception('ConnectionError', 'refused')], attributes: { 'db.system': 'mysql' } }),
      span({ id: '5', parent: '2', name: 'RunActivity:Fetch', kind: SERVER, start: 20, end: 30, status: 2, events: [exception('NotFound', 'no such feed')] }),
    ];
    expect(describeRuns(modelTrace(retried))).toBe(
      [
        'run temporal "Nightly" #r failure 100ms error=NotFound: no such feed',
        '  step "Fetch" failure 29ms queue=2ms attempt=2 error=NotFound: no such feed ->mysql(db 1x 1err 5ms)',
      ].join('\n'),
    );
  });

  it('reads the run id under the TypeScript and Java SDK keys', () => {
    const ts = modelTrace([span({ id: '1', name: 'RunWorkflow:Sync', kind: SERVER, start: 0, end: 1, attributes: { temporalWorkflowId: 'w', run_id: 'ts-run' } })]);
    const java = modelTrace([span({ id: '1', name: 'RunWorkflow:Sync', kind: SERVER, start: 0, end: 1, attributes: { workflowId: 'w', runId: 'java-run' } })]);
    expect([ts[0]!.runId, java[0]!.runId]).toEqual(['ts-run', 'java-run']);
    expect(ts[0]!.id).not.toBe(java[0]!.id);
  });

  it('gives a run the same id whichever of its spans have arrived', () => {
    const full = modelTrace(orderTrace).map((r) => r.id);
    const partial = modelTrace(orderTrace.filter((s) => s.name.startsWith('RunWorkflow:'))).map((r) => r.id);
    expect(partial).toEqual(full);
  });

  it('has no run while only activity spans have arrived', () => {
    expect(modelTrace(orderTrace.filter((s) => s.name.includes('Activity:')))).toEqual([]);
  });

  describe('a workflow still running (its RunWorkflow span is sent when it ends)', () => {
    const started = (workflowId: string) =>
      span({ id: '1', name: 'StartWorkflow:OrderWorkflow', kind: CLIENT, start: 0, end: 5, resource: { 'service.name': 'shop-api' }, attributes: { temporalWorkflowID: workflowId } });
    const inRun = ids('order-42', 'run-1');
    const sent = [
      span({ id: '3', parent: '2', name: 'StartActivity:ValidateOrder', kind: CLIENT, start: 25, end: 26, resource: worker, attributes: inRun }),
      span({ id: '4', parent: '3', name: 'RunActivity:ValidateOrder', kind: SERVER, start: 30, end: 60, resource: worker, attributes: inRun }),
      span({ id: '6', parent: '2', name: 'StartActivity:ChargeCard', kind: CLIENT, start: 70, end: 71, resource: worker, attributes: inRun }),
      span({ id: '7', parent: '6', name: 'RunActivity:ChargeCard', kind: SERVER, start: 80, end: 100, resource: worker, attributes: inRun, status: 2, events: [exception('PaymentDeclined', 'card declined')] }),
      span({ id: 'b', parent: '2', name: 'StartChildWorkflow:ShipOrder', kind: CLIENT, start: 110, end: 111, resource: worker, attributes: inRun }),
      // The child's own activity: its RunWorkflow span is missing too, and no span of the trace started it by id.
      span({ id: 'd', parent: 'c', name: 'StartActivity:BookCourier', kind: CLIENT, start: 125, end: 126, resource: worker, attributes: ids('ship-42', 'run-2') }),
    ];

    it('is a running run named by the client span that started it, with the activities sent so far', () => {
      expect(describeRuns(modelTrace([started('order-42'), ...sent]))).toBe(
        [
          'run temporal "OrderWorkflow" #run-1 running 86ms (inferred)',
          '  step "ValidateOrder" success 35ms queue=5ms attempt=1',
          '  step "ChargeCard" failure 30ms queue=10ms attempt=1 error=PaymentDeclined: card declined',
          '  step "ShipOrder" success 1ms',
        ].join('\n'),
      );
    });

    it('is the same run once its RunWorkflow span arrives', () => {
      const running = modelTrace([started('order-42'), ...sent]);
      const runSpan = span({ id: '2', parent: '1', name: 'RunWorkflow:OrderWorkflow', kind: SERVER, start: 20, end: 500, resource: worker, attributes: inRun });
      const ended = modelTrace([started('order-42'), runSpan, ...sent]);
      expect(ended.map((r) => [r.id, r.status])).toEqual([[running[0]!.id, 'success']]);
    });

    it('is found under the Java SDK keys, and the TypeScript ones on the activity attempts', () => {
      const runOf = (workflowKey: string, runKey: string, on: 'StartActivity' | 'RunActivity') => {
        const tags = { [workflowKey]: 'w', [runKey]: 'r' };
        return modelTrace([
          span({ id: '1', name: 'StartWorkflow:Sync', kind: CLIENT, start: 0, end: 5, attributes: { [workflowKey]: 'w' } }),
          span({ id: '3', parent: '2', name: 'StartActivity:Fetch', kind: CLIENT, start: 25, end: 90, ...(on === 'StartActivity' && { attributes: tags }) }),
          span({ id: '4', parent: '3', name: 'RunActivity:Fetch', kind: SERVER, start: 30, end: 80, ...(on === 'RunActivity' && { attributes: tags }) }),
        ]).map((r) => [r.workflow, r.runId, r.status]);
      };
      const running = [['Sync', 'r', 'running']];
      expect([runOf('workflowId', 'runId', 'StartActivity'), runOf('temporalWorkflowId', 'run_id', 'RunActivity')]).toEqual([running, running]);
    });

    it('waits for its RunWorkflow span when no span of the trace started that workflow id', () => {
      expect(modelTrace([started('order-43'), ...sent])).toEqual([]);
      expect(modelTrace(sent)).toEqual([]);
    });
  });
});

describe('Temporal run outcomes', () => {
  const goRun = (runId: string, error: SpanEvent, children: OtlpSpan[] = []) => [
    span({
      id: '1', name: 'RunWorkflow:Poller', kind: SERVER, start: 0, end: 100, resource: worker, attributes: ids('poller', runId),
      status: 2, message: error.attributes['exception.message'] as string, events: [error],
    }),
    ...children,
  ];

  it('takes a Go run that continued as new for a success, and a cancelled run or activity for cancelled', () => {
    const continued = goRun('r1', exception('*internal.ContinueAsNewError', 'continue as new'));
    const cancelled = goRun('r2', exception('*temporal.CanceledError', 'canceled'), [
      span({ id: '2', parent: '1', name: 'StartActivity:Fetch', kind: CLIENT, start: 10, end: 11, resource: worker }),
      span({ id: '3', parent: '2', name: 'RunActivity:Fetch', kind: SERVER, start: 12, end: 90, resource: worker, status: 2, message: 'canceled', events: [exception('*temporal.CanceledError', 'canceled')] }),
    ]);
    expect(describeRuns([...modelTrace(continued), ...modelTrace(cancelled)])).toBe(
      [
        'run temporal "Poller" #r1 success 100ms',
        'run temporal "Poller" #r2 cancelled 100ms error=*temporal.CanceledError: canceled',
        '  step "Fetch" cancelled 80ms queue=2ms attempt=1 error=*temporal.CanceledError: canceled',
      ].join('\n'),
    );
  });

  describe('a Java workflow evicted from a worker cache (its run span ends, tagged `evicted`)', () => {
    const javaIds = { workflowId: 'bill-7', runId: 'run-7' };
    const started = span({ id: '1', name: 'StartWorkflow:Billing', kind: CLIENT, start: 0, end: 5, attributes: { workflowId: 'bill-7' } });
    const evicted = span({ id: '2', parent: '1', name: 'RunWorkflow:Billing', kind: SERVER, start: 10, end: 50, resource: worker, attributes: { ...javaIds, evicted: true } });
    const charge = [
      span({ id: '3', parent: '2', name: 'StartActivity:Charge', kind: CLIENT, start: 12, end: 13, resource: worker, attributes: javaIds }),
      span({ id: '4', parent: '3', name: 'RunActivity:Charge', kind: SERVER, start: 14, end: 40, resource: worker, attributes: javaIds }),
    ];

    it('is still running, and ends when the worker that replays it ends its run', () => {
      const running = modelTrace([started, evicted, ...charge]);
      expect(describeRuns(running)).toBe(
        ['run temporal "Billing" #run-7 running 40ms (inferred)', '  step "Charge" success 28ms queue=2ms attempt=1'].join('\n'),
      );
      const replayed = span({ id: '5', parent: '1', name: 'RunWorkflow:Billing', kind: SERVER, start: 10, end: 400, resource: worker, attributes: javaIds });
      const ended = modelTrace([started, evicted, ...charge, replayed]);
      expect(ended.map((r) => [r.id, r.status, r.durationMs])).toEqual([[running[0]!.id, 'success', 390]]);
    });

    it('has ended when it continued as new (Java ends that run span the same way)', () => {
      const continued = span({ id: '6', parent: '2', name: 'StartContinueAsNewWorkflow:Billing', kind: CLIENT, start: 45, end: 46, resource: worker, attributes: javaIds });
      expect(modelTrace([started, evicted, ...charge, continued]).map((r) => [r.status, r.durationMs])).toEqual([['success', 40]]);
    });
  });

  it("gives a child-workflow step its child run's outcome and time once that run span arrived", () => {
    const trace = [
      span({ id: '1', name: 'RunWorkflow:Order', kind: SERVER, start: 0, end: 400, resource: worker, attributes: ids('o', 'run-1'), status: 2, events: [exception('*temporal.ChildWorkflowExecutionError', 'child workflow execution error')] }),
      span({ id: '2', parent: '1', name: 'StartChildWorkflow:Ship', kind: CLIENT, start: 10, end: 11, resource: worker, attributes: ids('o', 'run-1') }),
      span({ id: '3', parent: '2', name: 'RunWorkflow:Ship', kind: SERVER, start: 20, end: 300, resource: worker, attributes: ids('ship', 'run-2'), status: 2, events: [exception('*temporal.ActivityError', 'activity error')] }),
      span({ id: '4', parent: '3', name: 'StartActivity:Book', kind: CLIENT, start: 30, end: 31, resource: worker }),
      span({ id: '5', parent: '4', name: 'RunActivity:Book', kind: SERVER, start: 40, end: 290, resource: worker, status: 2, events: [exception('CourierDown', 'no courier available')] }),
    ];
    expect(describeRuns(modelTrace(trace))).toBe(
      [
        'run temporal "Order" #run-1 failure 400ms error=CourierDown: no courier available',
        '  step "Ship" failure 290ms error=CourierDown: no courier available',
        'run temporal "Ship" #run-2 failure 280ms queue=10ms error=CourierDown: no courier available',
        '  step "Book" failure 260ms queue=10ms attempt=1 error=CourierDown: no courier available',
      ].join('\n'),
    );
  });

  describe('a TypeScript workflow (only the client span and the activity attempts carry the ids)', () => {
    const tsIds = { temporalWorkflowId: 'checkout-9', run_id: 'run-A' };
    const client = span({ id: '1', name: 'StartWorkflow:Checkout', kind: CLIENT, start: 0, end: 5, attributes: tsIds });
    const attempt = (id: string, start: number, end: number, failed: boolean) =>
      span({
        id, parent: '3', name: 'RunActivity:Charge', kind: SERVER, start, end, resource: worker, attributes: { ...tsIds, temporalActivityId: '1' },
        ...(failed && { status: 2, events: [exception('ApplicationFailure', 'card declined')] }),
      });
    const failedTwice = [attempt('4', 20, 30, true), attempt('5', 40, 50, true)];
    const rest = [
      span({ id: '2', parent: '1', name: 'RunWorkflow:Checkout', kind: SERVER, start: 10, end: 100, resource: worker }),
      span({ id: '3', parent: '2', name: 'StartActivity:Charge', kind: CLIENT, start: 15, end: 80, resource: worker }),
      attempt('6', 60, 75, false),
    ];

    it('gathers the attempts sent so far in one step, and keeps its run id and step once the run ends', () => {
      const running = modelTrace([client, ...failedTwice]);
      expect(describeRuns(running)).toBe(
        ['run temporal "Checkout" #run-A running 30ms (inferred)', '  step "Charge" failure 30ms attempt=2 error=ApplicationFailure: card declined'].join('\n'),
      );
      const ended = modelTrace([client, ...failedTwice, ...rest]);
      expect(describeRuns(ended)).toBe(
        ['run temporal "Checkout" #run-A success 90ms queue=10ms', '  step "Charge" success 65ms queue=5ms attempt=3'].join('\n'),
      );
      expect([ended[0]!.id, ended[0]!.steps[0]!.id]).toEqual([running[0]!.id, running[0]!.steps[0]!.id]);
    });
  });

  it("does not take the TypeScript client's calls on a workflow for workflows", () => {
    const calls = ['DescribeWorkflow', 'TerminateWorkflow', 'CancelWorkflow', 'StartWorkflowUpdate:approve'].map((name) =>
      span({ id: '1', name, kind: CLIENT, start: 0, end: 5, resource: { 'service.name': 'shop-api' }, attributes: { temporalWorkflowId: 'checkout-9' } }),
    );
    expect(calls.flatMap((call) => modelTrace([call]))).toEqual([]);
  });
});
