import { firstText } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import { statusFromSpan } from '../status.js';

const RUN_ID_KEYS = ['temporalRunID', 'run_id', 'runId'] as const; // Go, TypeScript, Java
/** Operations the interceptors trace outside workflow runs (client calls, signals, queries, updates). */
const OPERATIONS = [
  'StartWorkflow:', 'SignalWithStartWorkflow:', 'SignalWorkflow:', 'HandleSignal:', 'QueryWorkflow:', 'HandleQuery:',
  'UpdateWorkflow:', 'ValidateUpdate:', 'HandleUpdate:', 'SignalExternalWorkflow:', 'SignalChildWorkflow:',
  'StartActivity:', 'RunActivity:', 'StartChildWorkflow:', 'CompleteWorkflow:', 'StartNexusOperation:', 'RunStartNexusOperationHandler:',
];

/**
 * Temporal SDK tracing interceptors (Go, TypeScript, Java): `RunWorkflow:<Type>` is a run of workflow <Type>;
 * `StartActivity:X` (client side) with its `RunActivity:X` attempts (worker side) is step X;
 * `StartChildWorkflow:X` is a step whose child `RunWorkflow:X` is a run of its own.
 */
export const temporal: RunnerDetector = {
  runner: 'temporal',
  runOf(span, parent) {
    if (!span.name.startsWith('RunWorkflow:')) return undefined;
    // Time from the client's start request to a worker picking the workflow up.
    const queued =
      parent !== undefined && (parent.name.startsWith('StartWorkflow:') || parent.name.startsWith('StartChildWorkflow:'));
    return {
      workflow: span.name.slice(12),
      runId: firstText(span, RUN_ID_KEYS) ?? '',
      status: statusFromSpan(span),
      queueMs: queued ? Math.max(0, span.startMs - parent.startMs) : undefined,
    };
  },
  roleOf(span, context) {
    const name = span.name;
    if (name.startsWith('StartActivity:')) return { kind: 'step', name: name.slice(14) };
    if (name.startsWith('RunActivity:')) {
      const type = name.slice(12);
      return context.parent?.name === `StartActivity:${type}` && !context.atRunLevel
        ? { kind: 'attempt' }
        : { kind: 'step', name: type };
    }
    if (name.startsWith('StartChildWorkflow:')) return { kind: 'step', name: name.slice(19) };
    return { kind: 'auto' };
  },
  stepOf: (span) => ({ status: statusFromSpan(span) }),
  claims: (span) => span.name.includes(':') && OPERATIONS.some((op) => span.name.startsWith(op)),
};
