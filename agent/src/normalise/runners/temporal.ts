import type { OtlpSpan } from '../../model/otlp.js';
import { firstText, text } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import type { SpanNode } from '../span-tree.js';
import { temporalStatus } from './temporal-status.js';

const RUN_ID_KEYS = ['temporalRunID', 'run_id', 'runId'] as const; // Go, TypeScript, Java
const WORKFLOW_ID_KEYS = ['temporalWorkflowID', 'temporalWorkflowId', 'workflowId'] as const; // Go, TypeScript, Java
/** Spans a workflow makes as it runs, children of its `RunWorkflow` span and tagged with its ids. */
const IN_WORKFLOW = ['StartActivity:', 'RunActivity:', 'StartChildWorkflow:', 'SignalExternalWorkflow:', 'SignalChildWorkflow:'];
/** Client spans that start a workflow: the trace's root, ended once the workflow is started. */
const STARTERS = ['StartWorkflow:', 'SignalWithStartWorkflow:'];
/** Operations the interceptors trace outside workflow runs (client calls, signals, queries, updates). */
const OPERATIONS = [
  'StartWorkflow:', 'SignalWithStartWorkflow:', 'SignalWorkflow:', 'HandleSignal:', 'QueryWorkflow:', 'HandleQuery:',
  'UpdateWorkflow:', 'StartWorkflowUpdate:', 'UpdateWithStartWorkflow:', 'ValidateUpdate:', 'HandleUpdate:',
  'SignalExternalWorkflow:', 'SignalChildWorkflow:', 'StartActivity:', 'RunActivity:', 'StartChildWorkflow:',
  'CompleteWorkflow:', 'ContinueAsNew:', 'StartContinueAsNewWorkflow:', 'CreateSchedule:', 'StartNexusOperation:',
  'RunStartNexusOperationHandler:', 'RunCancelNexusOperationHandler:',
];
/** The TypeScript client's calls that name no type, only the workflow id in their attributes. */
const BARE_OPERATIONS = new Set(['TerminateWorkflow', 'CancelWorkflow', 'DescribeWorkflow']);

/**
 * Temporal SDK tracing interceptors (Go, TypeScript, Java): `RunWorkflow:<Type>` is a run of workflow <Type>;
 * `StartActivity:X` (client side) with its `RunActivity:X` attempts (worker side) is step X;
 * `StartChildWorkflow:X` is a step whose child `RunWorkflow:X` is a run of its own, and whose outcome and end are
 * the step's.
 */
export const temporal: RunnerDetector = {
  runner: 'temporal',
  runOf(span, parent, children) {
    if (!span.name.startsWith('RunWorkflow:')) return undefined;
    // Time from the client's start request to a worker picking the workflow up.
    const queued =
      parent !== undefined && (parent.name.startsWith('StartWorkflow:') || parent.name.startsWith('StartChildWorkflow:'));
    return {
      workflow: span.name.slice(12),
      // The TypeScript SDK tags only the activity attempts: the run keeps the id it had while running.
      runId: firstText(span, RUN_ID_KEYS) ?? runIdOfActivities(children) ?? '',
      status: temporalStatus(span),
      queueMs: queued ? Math.max(0, span.startMs - parent.startMs) : undefined,
      ...(evicted(span, children) && { interim: true }),
    };
  },
  /**
   * A running workflow's `RunWorkflow` span is sent when the workflow ends; its activities are sent as they run,
   * orphans until then. The client's span that started the workflow (the trace's root, with the same workflow id)
   * names its type. Without it (a schedule, an untraced client) the run waits for its `RunWorkflow` span.
   */
  inferRunOf({ span, children }, roots) {
    if (!IN_WORKFLOW.some((op) => span.name.startsWith(op))) return undefined;
    // The TypeScript SDK tags the worker's `RunActivity` attempts with the ids, not the workflow's `StartActivity`.
    const tagged =
      firstText(span, RUN_ID_KEYS) !== undefined ? span : children.find((child) => firstText(child.span, RUN_ID_KEYS) !== undefined)?.span;
    const runId = tagged && firstText(tagged, RUN_ID_KEYS);
    const workflowId = tagged && firstText(tagged, WORKFLOW_ID_KEYS);
    if (runId === undefined || workflowId === undefined) return undefined;
    for (const { span: root } of roots) {
      const starter = STARTERS.find((op) => root.name.startsWith(op));
      if (starter !== undefined && firstText(root, WORKFLOW_ID_KEYS) === workflowId) {
        return { workflow: root.name.slice(starter.length), runId };
      }
    }
    return undefined;
  },
  roleOf(span, context) {
    const name = span.name;
    if (name.startsWith('StartActivity:')) return { kind: 'step', name: name.slice(14) };
    if (name.startsWith('RunActivity:')) {
      const type = name.slice(12);
      if (context.parent?.name === `StartActivity:${type}` && !context.atRunLevel) return { kind: 'attempt' };
      // Its StartActivity span is sent when the activity is done with, after every attempt.
      if (context.parent === undefined && span.parentSpanId !== '') return { kind: 'attempt', of: type };
      return { kind: 'step', name: type };
    }
    // The span ends once the child is started; the step lasts as long as the child's run.
    if (name.startsWith('StartChildWorkflow:')) return { kind: 'step', name: name.slice(19), awaitsRun: true };
    return { kind: 'auto' };
  },
  stepOf: (span) => ({ status: temporalStatus(span) }),
  claims: (span) => BARE_OPERATIONS.has(span.name) || (span.name.includes(':') && OPERATIONS.some((op) => span.name.startsWith(op))),
};

/** The run id on the workflow's activity attempts (`RunActivity` under its `StartActivity`), if any. */
function runIdOfActivities(children: readonly SpanNode[]): string | undefined {
  for (const child of children) {
    if (!child.span.name.startsWith('StartActivity:')) continue;
    for (const attempt of child.children) {
      const runId = attempt.span.name.startsWith('RunActivity:') ? firstText(attempt.span, RUN_ID_KEYS) : undefined;
      if (runId !== undefined) return runId;
    }
  }
  return undefined;
}

/**
 * Java tags a run span `evicted` when the worker dropped the workflow from its cache: it runs on, replayed by
 * another worker. Continuing as new ends the span the same way, after a `StartContinueAsNewWorkflow` child.
 */
function evicted(span: OtlpSpan, children: readonly SpanNode[]): boolean {
  return text(span, 'evicted') === 'true' && !children.some((child) => child.span.name.startsWith('StartContinueAsNewWorkflow:'));
}
