import type { OtlpSpan } from '../../model/otlp.js';
import { attemptOf, text, waitBetween } from '../attributes.js';
import type { RunnerDetector } from '../detector.js';
import type { ErrorInfo } from '../errors.js';
import { isPipelineRun, pipelineRole, pipelineRun, taskStatus } from './cicd-shape.js';

/**
 * GitHub Actions as traced by otel-cicd-action (everything on the spans, `github.*` extras) and by the
 * Collector's githubreceiver (identity on the resource, `cicd.pipeline.run.status`, `queue-<job>` spans).
 */
export const githubActions: RunnerDetector = {
  runner: 'github-actions',
  runOf(span) {
    if (!isPipelineRun(span) || !fromGitHub(span)) return undefined;
    const run = pipelineRun('github-actions', span);
    const attempt = attemptOf(span, 'github.run_attempt') ?? attemptFromPreviousUrl(span);
    return attempt !== undefined ? { ...run, attempt } : run;
  },
  roleOf: pipelineRole,
  stepOf: (span) => ({
    status: taskStatus('github-actions', span),
    attempt: attemptOf(span, 'github.job.run_attempt'),
    ...waitBetween(span, 'github.job.created_at', 'github.job.started_at'),
  }),
  errorOf: annotation,
};

function fromGitHub(span: OtlpSpan): boolean {
  if (text(span, 'github.run_id') !== undefined || text(span, 'github.workflow') !== undefined) return true;
  const vendor = text(span, 'vcs.provider.name') ?? text(span, 'vcs.vendor.name');
  if (vendor !== undefined) return vendor.toLowerCase() === 'github';
  if (span.scopeName === 'otel-cicd-action' || text(span, 'service.name') === 'otel-cicd-action') return true;
  return (text(span, 'cicd.pipeline.run.url.full') ?? '').includes('github.com/');
}

/** githubreceiver only links to the previous attempt (`…/attempts/<n>`); this run is the next one. */
function attemptFromPreviousUrl(span: OtlpSpan): number | undefined {
  const url = text(span, 'cicd.pipeline.run.previous_attempt.url.full');
  if (url === undefined) return undefined;
  const previous = Number(url.slice(url.lastIndexOf('/') + 1));
  return Number.isInteger(previous) && previous >= 1 ? previous + 1 : undefined;
}

/** otel-cicd-action copies the job's check-run annotations; the failure ones say why the job failed. */
function annotation(span: OtlpSpan): ErrorInfo | undefined {
  let first: string | undefined;
  for (let i = 0; i < 50; i++) {
    const message = text(span, `github.job.annotations.${i}.message`);
    if (message === undefined) break;
    if (text(span, `github.job.annotations.${i}.level`) === 'failure') return { message };
    first ??= message;
  }
  return first !== undefined ? { message: first } : undefined;
}
