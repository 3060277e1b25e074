import type { OtlpSpan } from '../../model/otlp.js';
import { text } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import { statusFromSpan } from '../status.js';

/** Root-span names too common to tell workflows apart on their own: these get the service name in front. */
const GENERIC_NAMES = new Set([
  'main', 'run', 'execute', 'exec', 'job', 'task', 'workflow', 'pipeline', 'handler', 'handle', 'process',
  'start', 'root', 'request', 'invoke', 'cron', 'script', 'default', 'batch', 'worker', 'span',
]);
const HTTP_METHODS = ['GET ', 'POST ', 'PUT ', 'PATCH ', 'DELETE ', 'HEAD ', 'OPTIONS '];

/** Anything else: the trace's root span is the run, named after the root span; its children are the steps. */
export const generic: RunnerDetector = {
  runner: 'generic',
  runOf: (span, parent) =>
    parent === undefined && span.parentSpanId === ''
      ? { workflow: workflowName(span), runId: '', status: statusFromSpan(span) }
      : undefined,
  roleOf: (span, context) => (context.atRunLevel ? { kind: 'step', name: span.name } : { kind: 'auto' }),
  stepOf: (span) => ({ status: statusFromSpan(span) }),
};

function workflowName(span: OtlpSpan): string {
  const name = span.name;
  const ambiguous = GENERIC_NAMES.has(name.toLowerCase()) || HTTP_METHODS.some((m) => name.startsWith(m));
  const service = text(span, 'service.name');
  return ambiguous && service !== undefined && !service.startsWith('unknown_service') ? `${service}: ${name}` : name;
}
