const HOUR_MS = 3_600_000;
/** Past this many hours a range is scanned rather than sought hour by hour. */
const MAX_HOUR_SEEKS = 2_000;

/**
 * The WHERE clause for one workflow's runs in a time range, read through `runs_by_hour_workflow` with one seek
 * per hour of the range (the caller names that index with INDEXED BY when the clause seeks).
 */
export function workflowHours(workflow: string, fromMs: number, toMs: number): { sql: string; params: unknown[]; seeks: boolean } {
  const first = Math.floor(fromMs / HOUR_MS);
  const last = Math.floor(toMs / HOUR_MS);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first > MAX_HOUR_SEEKS) {
    return { sql: 'workflow = ?', params: [workflow], seeks: false };
  }
  const hours = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  return {
    sql: 'CAST(start_ms / 3600000 AS INTEGER) IN (SELECT value FROM json_each(?)) AND workflow = ?',
    params: [JSON.stringify(hours), workflow],
    seeks: true,
  };
}
