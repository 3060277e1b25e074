import { StatusCode } from '../../model/otlp.js';
import { text } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import { statusFromSpan, statusFromWord } from '../status.js';

/** n8n's OpenTelemetry tracing: `workflow.execute` per execution, `node.execute` per node. */
export const n8n: RunnerDetector = {
  runner: 'n8n',
  runOf(span) {
    const named = span.name === 'workflow.execute' || span.name === 'n8n.workflow.execute';
    if (!named && (text(span, 'n8n.execution.id') === undefined || text(span, 'n8n.node.name') !== undefined)) {
      return undefined;
    }
    const workflow = text(span, 'n8n.workflow.name') ?? text(span, 'n8n.workflow.id');
    if (workflow === undefined && !named) return undefined;
    return {
      workflow: workflow ?? span.name,
      runId: text(span, 'n8n.execution.id') ?? '',
      status: statusFromWord('n8n', text(span, 'n8n.execution.status')) ?? statusFromSpan(span),
    };
  },
  roleOf(span, context) {
    const node = text(span, 'n8n.node.name');
    if (span.name === 'node.execute' || span.name === 'n8n.node.execute' || (node !== undefined && context.atRunLevel)) {
      return { kind: 'step', name: node ?? span.name };
    }
    return { kind: 'auto' };
  },
  // The node running when its execution was cancelled ends in error, saying why.
  stepOf: (span) => ({
    status: span.statusCode === StatusCode.ERROR ? (statusFromWord('n8n', text(span, 'n8n.node.termination_reason')) ?? 'failure') : 'success',
  }),
  claims: (span) => span.name === 'node.execute' || span.resource['service.name'] === 'n8n',
  errorOf(span) {
    const type = text(span, 'n8n.execution.error_type');
    return type !== undefined ? { type, message: span.statusMessage || undefined } : undefined;
  },
};
