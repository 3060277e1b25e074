/**
 * Attribute keys that say nothing about why two runs differ. Correlation leaves them out of its explanations and
 * a run comparison out of its changes.
 */

// Per-run identifiers and numbers (a Jenkins build's, GitHub's `run_number`), times and URLs (`url.full` and the like
// too: the conventions' URL keys end in their part): they differ between any two runs. Other ids (tenant.id,
// customer.id) are kept.
const PER_RUN_KEY =
  /(trace|span|run|job|execution|attempt|request|event|message|build|step|workflow|activity|node)[._]?id$|(run|build)[._]?(number|num)$|uuid|timestamp|(^|[._])(time|date|url|duration|start|end)$|(^|[._])url[._](full|original|query|path)$/i;
// The outcome itself (runner status words, error fields and flags such as OpenTracing's `error=true`, n8n's
// `error_type`, exit codes, how many tries it took, the annotations GitHub writes on a failed job's check run):
// what is being explained, never an explanation. `http.*` status codes are calls' outcomes, which can explain a run's.
const OUTCOME_KEY =
  /(^|[._])(status|state|result|conclusion|outcome|status_code|try_number|attempt|run_attempt|retry_count|error|error[._](type|message|code)|exit[._]?code)$|^(error|exception|otel\.status)[._]|(^|[._])annotations[._]\d+[._]/i;

/** Whether the key is a run's own id, time or URL, or states its outcome. */
export function isIncidentalKey(key: string): boolean {
  return PER_RUN_KEY.test(key) || (OUTCOME_KEY.test(key) && !key.startsWith('http.'));
}
