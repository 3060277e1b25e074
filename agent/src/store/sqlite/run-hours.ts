const HOUR_MS = 3_600_000;
/** Past this many hours a workflow's range is scanned rather than sought hour by hour. */
const MAX_HOUR_SEEKS = 2_000;

/** The leading column of `runs_by_hour_workflow`, the one index on runs; a query must say it the same way to use it. */
export const HOUR_OF_START = 'CAST(start_ms / 3600000 AS INTEGER)';

export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** The WHERE clause for the runs of every workflow started in a time range, as a range of the index's hours. */
export function allHours(fromMs: number, toMs: number): { sql: string; params: unknown[] } {
  return { sql: `${HOUR_OF_START} BETWEEN ? AND ?`, params: [hourOf(fromMs), hourOf(toMs)] };
}

/**
 * The WHERE clause for one workflow's runs in a time range, read through `runs_by_hour_workflow` (the caller names
 * it with INDEXED BY) with one seek per hour of the range. A longer range (a troubleshooting session runs to the
 * end of time) is read as a range of the index's hours, whose entries carry the workflow, so only its runs are
 * read from the table.
 */
export function workflowHours(workflow: string, fromMs: number, toMs: number): { sql: string; params: unknown[] } {
  const first = hourOf(fromMs);
  const last = hourOf(toMs);
  if (last - first > MAX_HOUR_SEEKS) {
    const hours = allHours(fromMs, toMs);
    return { sql: `${hours.sql} AND workflow = ?`, params: [...hours.params, workflow] };
  }
  const hours = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  return {
    sql: `${HOUR_OF_START} IN (SELECT value FROM json_each(?)) AND workflow = ?`,
    params: [JSON.stringify(hours), workflow],
  };
}
