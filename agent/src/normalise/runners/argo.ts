import type { OtlpSpan } from '../../model/otlp.js';
import { StatusCode } from '../../model/otlp.js';
import type { RunStatus } from '../../model/workflow.js';
import { firstText, text } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import { statusFromWord } from '../status.js';

/**
 * Per-run name suffixes: Kubernetes' generateName (five characters of its consonant-and-digit alphabet, or any
 * five with a digit) and CronWorkflow's `-<epoch seconds>`.
 */
const GENERATED_SUFFIX = /-(?:[bcdfghjklmnpqrstvwxz2456789]{5}|(?=[a-z]*\d)[a-z0-9]{5}|\d{9,11})$/;

/**
 * Argo Workflows' controller tracing: a `workflow` span (`name`, `namespace`) with `node` spans (`node_id`,
 * `node_type`, kind PRODUCER) under it; results are the span status, message "Failed" or "Error".
 */
export const argo: RunnerDetector = {
  runner: 'argo',
  runOf(span) {
    if (span.name !== 'workflow' || span.attributes['namespace'] === undefined) return undefined;
    const name = text(span, 'name');
    if (name === undefined) return undefined;
    // A generated name is unique per run; a fixed name is reused, so the trace tells runs apart.
    const suffix = GENERATED_SUFFIX.exec(name);
    return {
      workflow: suffix !== null ? name.slice(0, suffix.index) : name,
      runId: suffix !== null ? name : '',
      status: argoStatus(span),
    };
  },
  roleOf(span, context) {
    if (span.name !== 'node') return { kind: 'auto' };
    const nodeId = text(span, 'node_id');
    if (nodeId === undefined) return { kind: 'auto' };
    // The root node has the workflow's name and spans the whole run.
    if (context.atRunLevel && nodeId === text(span, 'name')) return { kind: 'wrapper' };
    return { kind: 'step', name: firstText(span, ['display_name', 'node_name', 'template_name', 'template']) ?? nodeId };
  },
  stepOf: (span) => ({ status: argoStatus(span) }),
  claims: (span) => CONTROLLER_SPANS.has(span.name),
};

/** Controller and executor spans outside a workflow's own trace. */
const CONTROLLER_SPANS = new Set(['startupController', 'startupCacheSync', 'waitClientRateLimiter', 'reconcileWorkflow', 'persistUpdates']);

function argoStatus(span: OtlpSpan): RunStatus {
  if (span.statusCode !== StatusCode.ERROR) return 'success';
  return statusFromWord('argo', span.statusMessage) ?? 'failure';
}
