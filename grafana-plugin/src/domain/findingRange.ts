import type { Finding, TimeRange } from '../api/types.js';
import { workflowUrl } from '../constants.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The time range to open a finding's workflow at: from a while before it began (what the runs looked like before)
 * to now while it lasts, or to a while after it was last seen once resolved, or when it was last seen over a day
 * ago (replayed telemetry). The default last 24 hours would show an older finding's runs as none at all.
 */
export function findingRange(finding: Pick<Finding, 'firstSeen' | 'lastSeen' | 'status'>, nowMs = Date.now()): TimeRange {
  const first = Date.parse(finding.firstSeen);
  const last = Date.parse(finding.lastSeen);
  const margin = Math.max(HOUR_MS, (last - first) / 4);
  const ongoing = finding.status !== 'resolved' && last > nowMs - DAY_MS;
  return {
    from: new Date(first - margin).toISOString(),
    to: ongoing ? 'now' : new Date(last + margin).toISOString(),
  };
}

/** A link to a workflow's page at the finding's time (`findingRange`), so its runs and charts show the problem. */
export function findingWorkflowUrl(
  finding: Pick<Finding, 'firstSeen' | 'lastSeen' | 'status'>,
  workflow: string,
  params: Record<string, string> = {}
): string {
  return workflowUrl(workflow, `?${new URLSearchParams({ ...findingRange(finding), ...params })}`);
}
