import type { OtlpSpan } from '../../model/otlp.js';
import { StatusCode } from '../../model/otlp.js';
import type { RunStatus } from '../../model/workflow.js';
import { spanError } from '../errors.js';

/**
 * A workflow or activity span's outcome. The Go interceptor ends a span with any error the code returned, and
 * two of them are no failure: continuing as new (`*internal.ContinueAsNewError`, "continue as new") ends a run
 * that went well, and cancellation (`*temporal.CanceledError`, TypeScript's `CancelledFailure`, Java's
 * `CanceledFailure`) is a cancelled run or activity.
 */
export function temporalStatus(span: OtlpSpan): RunStatus {
  if (span.statusCode !== StatusCode.ERROR) return 'success';
  const reason = `${spanError(span)?.type ?? ''} ${span.statusMessage}`;
  if (reason.includes('ContinueAsNew') || reason.includes('continue as new')) return 'success';
  if (reason.includes('CanceledError') || reason.includes('CancelledFailure') || reason.includes('CanceledFailure')) return 'cancelled';
  return 'failure';
}
