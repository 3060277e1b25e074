import type { OtlpSpan } from '../../model/otlp.js';
import { SpanKind, StatusCode } from '../../model/otlp.js';
import type { RunnerKind, RunStatus } from '../../model/workflow.js';
import { attr, text } from '../attributes.js';
import type { RoleContext, RunIdentity, RunSpanInfo, SpanRole } from '../detector.js';
import { isDownstream } from '../downstream.js';
import { statusFromSpan, statusFromWord } from '../status.js';

/**
 * The OTel CI/CD semantic-convention shape shared by plain `cicd.*` emitters and the GitHub Actions tracers
 * (otel-cicd-action, the Collector's githubreceiver): a pipeline run span, task (job) spans, step spans.
 */

const TASK_KEYS = [
  'cicd.pipeline.task.name',
  'cicd.pipeline.task.run.id',
  'cicd.pipeline.task.run.result',
  'cicd.pipeline.run.task.status',
] as const;

/** What marks a span naming a pipeline as that pipeline's run (a SERVER span needs none). */
const RUN_MARKERS = ['cicd.pipeline.run.id', 'cicd.pipeline.result', 'cicd.pipeline.run.status', 'cicd.pipeline.action.name'] as const;

/**
 * A pipeline run span: pipeline identity with a run id, result or action (or a SERVER span), nothing task-level.
 * Identity on the resource is on every span of the run, tasks and their steps too: on its word alone only a root
 * or a SERVER span stands for the run; otherwise a child span whose parent has not arrived yet (a running
 * pipeline sends its run span last) would be taken for a finished run, with that span's status and duration.
 */
export function isPipelineRun(span: OtlpSpan): boolean {
  if (attr(span, 'cicd.pipeline.name') === undefined) return false;
  if (span.kind !== SpanKind.SERVER) {
    const own = span.attributes['cicd.pipeline.name'] !== undefined || RUN_MARKERS.some((key) => span.attributes[key] !== undefined);
    if (span.parentSpanId !== '' && !own) return false;
    if (!RUN_MARKERS.some((key) => attr(span, key) !== undefined)) return false;
  }
  return !isTask(span);
}

export function isTask(span: OtlpSpan): boolean {
  for (const key of TASK_KEYS) if (attr(span, key) !== undefined) return true;
  return false;
}

/** The run a span belongs to by the pipeline name and run id it carries (on itself or its resource), if both. */
export function pipelineIdentity(span: OtlpSpan): RunIdentity | undefined {
  const workflow = text(span, 'cicd.pipeline.name');
  const runId = text(span, 'cicd.pipeline.run.id');
  return workflow !== undefined && runId !== undefined ? { workflow, runId } : undefined;
}

export function pipelineRun(runner: RunnerKind, span: OtlpSpan): RunSpanInfo {
  return {
    workflow: text(span, 'cicd.pipeline.name') ?? span.name,
    runId: text(span, 'cicd.pipeline.run.id') ?? '',
    status:
      statusFromWord(runner, text(span, 'cicd.pipeline.result')) ??
      statusFromWord(runner, text(span, 'cicd.pipeline.run.status')) ??
      statusFromWord(runner, span.statusMessage) ??
      statusFromSpan(span),
  };
}

/** Queue spans (`queue-<job>` from githubreceiver, `Queued` from otel-cicd-action) are waiting, not steps. */
export function pipelineRole(span: OtlpSpan, context: RoleContext): SpanRole {
  if (span.name.startsWith('queue-') || span.name === 'Queued') return { kind: 'queue' };
  if (isTask(span)) return { kind: 'step', name: text(span, 'cicd.pipeline.task.name') ?? span.name };
  const stepName = text(span, 'github.job.step.name');
  if (stepName !== undefined) return { kind: 'step', name: stepName };
  if (context.atRunLevel && !isDownstream(span)) return { kind: 'step', name: span.name };
  return { kind: 'auto' };
}

export function taskStatus(runner: RunnerKind, span: OtlpSpan): RunStatus {
  const result = statusFromWord(runner, text(span, 'cicd.pipeline.task.run.result'));
  if (result !== undefined) return result;
  const receiverStatus = statusFromWord(runner, text(span, 'cicd.pipeline.run.task.status'));
  if (receiverStatus !== undefined) {
    // githubreceiver writes `failure` for skipped steps but leaves their span status unset.
    return receiverStatus === 'failure' && span.statusCode !== StatusCode.ERROR ? 'skipped' : receiverStatus;
  }
  return (
    // githubreceiver writes the job conclusions it does not map (`timed_out`, `action_required`…) under the run's key.
    statusFromWord(runner, text(span, 'cicd.pipeline.run.status')) ??
    statusFromWord(runner, text(span, 'github.job.step.conclusion')) ??
    statusFromWord(runner, text(span, 'github.job.conclusion')) ??
    statusFromSpan(span)
  );
}
