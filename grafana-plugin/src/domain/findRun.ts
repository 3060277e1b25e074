import { FlowLensError } from '../api/FlowLensError.js';
import { getRun, listRuns } from '../api/resources.js';
import type { RunDetail } from '../api/types.js';

/** How far back a runner's run id is looked up; the agent's run listing answers at most 1000 runs. */
const LOOKUP = { from: 'now-30d', to: 'now', limit: 1000 };

/**
 * A run by the agent's run id or, failing that, by the runner's own run id (a GitHub run id, an Airflow run id):
 * findings' example runs and alert labels carry the latter, and people paste either.
 */
export async function findRun(
  workflow: string,
  key: string,
  query: { steps?: number },
  signal?: AbortSignal
): Promise<RunDetail> {
  try {
    return await getRun(key, query, signal);
  } catch (err) {
    if (!(err instanceof FlowLensError) || err.kind !== 'not_found') {
      throw err;
    }
    const { items } = await listRuns(workflow, LOOKUP, signal);
    const match = items.find((run) => run.runId === key);
    if (!match) {
      throw err;
    }
    return getRun(match.id, query, signal);
  }
}
