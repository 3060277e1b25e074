import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { errors, json, jsonObject } from '../schemas.js';
import { comparisonView, logView, runView, stepView } from '../views.js';
import { listedSteps } from '../../query/listed-steps.js';
import { errorOrigins } from '../../query/error-origins.js';
import { compareRuns, describeComparison, EARLIER_SUCCESSES, successesBefore, type RunComparison } from '../../analyse/index.js';
import type { RunRecord } from '../../model/workflow.js';
import { isoTime } from '../../runtime/iso-time.js';

const MAX_LOGS = 2_000;
/** How far back the last successful run is looked for. */
const BASELINE_LOOKBACK_MS = 7 * 86_400_000;
/** Runs started in the same millisecond as the compared one that the baseline query may have to skip. */
const SAME_START_SLACK = 8;
/** How far back a runner's run id is looked up, as the Grafana app does. */
const RUNNER_ID_LOOKBACK_MS = 30 * 86_400_000;
/** Runs named in the answer when a runner's run id names several (a re-run's attempts share it). */
const LISTED_NAMESAKES = 5;

/** An error of a run as the API lists it: at the step it began in (`step` '' for the run's own). */
interface RunError {
  step: string;
  stepId: string;
  type: string | null;
  message: string | null;
}

const runIdParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
const workflowQuery = z.string().min(1).optional().openapi({
  description: "the run's workflow: then a run may also be named by its runner's run id (a GitHub run id, an Airflow run id), as the Grafana app shows it",
});

export function runRoutes(deps: ApiDeps) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}',
      summary: "A run with its steps, errors and logs (logs attached to their step by span id)",
      request: {
        params: runIdParam,
        query: z.object({
          workflow: workflowQuery,
          steps: z.coerce.number().int().min(1).optional().openapi({
            description: 'list this many steps, the half that started first and the half that started last, and besides them every failed step and the steps enclosing those (default: every step); stepCount says how many the run has',
          }),
        }),
      },
      responses: { 200: json(jsonObject('Run'), 'the run'), 400: errors[400], 404: errors[404] },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const { steps: limit, workflow } = c.req.valid('query');
      const run = findRun('id', id, workflow);
      const stepOfSpan = new Map<string, string>();
      for (const step of run.steps) for (const spanId of step.spanIds) stepOfSpan.set(spanId, step.id);
      const runSpans = new Set([run.spanId, ...stepOfSpan.keys()]);
      const logs = deps.store
        .logsOfTrace(run.traceId, MAX_LOGS)
        // A trace can hold several runs (child workflows): keep the logs of this run's spans.
        .filter((log) => !log.spanId || runSpans.has(log.spanId) || run.steps.length === 0);
      // Each error once, at the step it began in: not again at every enclosing step that failed because of it.
      const errorsOf = errorOrigins(run, true).map(({ step, message }): RunError => ({
        step: step?.name ?? '',
        stepId: step?.id ?? '',
        type: (step ?? run).errorType ?? null,
        message: message ?? null,
      }));
      const spansRefused = deps.store.spansRefused(run.traceId);
      return c.json(
        {
          ...runView(run),
          ...(spansRefused > 0 && { spansRefused }),
          attributes: run.attributes,
          stepCount: run.steps.length,
          steps: (limit === undefined ? run.steps : listedSteps(run.steps, limit)).map(stepView),
          errors: errorsOf,
          logs: logs.map((log) => logView(log, stepOfSpan)),
        },
        200,
      );
    },
  ).openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}/compare',
      summary: 'What changed from a baseline run: by default the last successful run of the workflow before this one',
      request: {
        params: runIdParam,
        query: z.object({
          with: z.string().min(1).optional().openapi({ description: "the id of the run to compare with, or its runner's run id (default: the newest successful run of the same workflow started in the 7 days before)" }),
          workflow: workflowQuery,
        }),
      },
      responses: { 200: json(jsonObject('RunComparison'), 'the comparison'), 400: errors[400], 404: errors[404] },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const { with: given, workflow } = c.req.valid('query');
      const run = findRun('id', id, workflow);
      // The run to compare with is of the same workflow: its runner's run id is looked up there.
      const { baseline, earlier } = given === undefined ? lastSuccess(run) : chosen(findRun('with', given, run.workflow));
      if (baseline?.id === run.id) throw new ApiError(400, 'with: a run compared with itself shows no change; name another run');
      // Steps and attributes of two workflows differ by their making: every difference would be noise.
      if (baseline && baseline.workflow !== run.workflow) {
        throw new ApiError(400, `with: run ${JSON.stringify(given)} is of workflow \`${baseline.workflow}\`, not \`${run.workflow}\`; name a run of the same workflow`);
      }
      const choice = { run: runView(run), baselineChoice: given === undefined ? 'last-success' : 'given' };
      if (!baseline) {
        return c.json({ ...choice, baseline: null, note: `No successful run of \`${run.workflow}\` started in the 7 days before this run.` }, 200);
      }
      const comparison = settledAttributes(run, compareRuns(run, baseline, earlier));
      return c.json({ ...choice, baseline: runView(baseline), ...comparisonView(run, baseline, comparison), summary: describeComparison(comparison) }, 200);
    },
  );

  /** The baseline and the successful runs before it, which say which attributes vary from run to run. */
  function lastSuccess(run: RunRecord): { baseline: RunRecord | undefined; earlier: RunRecord[] } {
    const [baseline, ...earlier] = successesInWeekBefore(run, 1 + EARLIER_SUCCESSES);
    return { baseline, earlier };
  }

  function chosen(baseline: RunRecord): { baseline: RunRecord; earlier: RunRecord[] } {
    return { baseline, earlier: successesInWeekBefore(baseline, EARLIER_SUCCESSES) };
  }

  /**
   * A run by the agent's id or, within `workflow`, by its runner's run id, which the Grafana app and findings show:
   * 404 when neither names a run, 400 naming the runs when the runner's id names several (a re-run's attempts).
   */
  function findRun(param: 'id' | 'with', key: string, workflow: string | undefined): RunRecord {
    const run = deps.store.run(key);
    if (run) return run;
    const [only, ...more] = workflow === undefined ? [] : runsByRunnerId(workflow, key);
    if (!only) throw notFound(`run ${JSON.stringify(key)}`);
    if (more.length === 0) return only;
    const listed = [only, ...more].map((r) => `${r.id} (started ${isoTime(r.startMs)}${r.attempt === undefined ? '' : `, attempt ${r.attempt}`})`);
    throw new ApiError(400, `${param}: ${JSON.stringify(key)} is the run id of several runs of ${JSON.stringify(workflow)}: ${listed.join(', ')}; name one by its id`);
  }

  /**
   * Runs of the workflow started in the lookback that carry the runner's run id: more than one for a re-run's
   * attempts. The store filters by the id's column, so no run's steps are read but theirs.
   */
  function runsByRunnerId(workflow: string, runId: string): RunRecord[] {
    const toMs = deps.now();
    return deps.store.runs({ workflow, fromMs: toMs - RUNNER_ID_LOOKBACK_MS, toMs, runId, limit: LISTED_NAMESAKES });
  }

  /** A running run's attributes that have not arrived yet are unknown, not gone: no change to report. */
  function settledAttributes(run: RunRecord, comparison: RunComparison): RunComparison {
    return run.status === 'running' ? { ...comparison, attributes: comparison.attributes.filter((change) => change.to !== null) } : comparison;
  }

  /**
   * Up to `count` successful runs of the run's workflow that started in the week before it, newest first, by the
   * analysis' own rule (`successesBefore`); runs started in the same millisecond as it are read too, then left out.
   */
  function successesInWeekBefore(run: RunRecord, count: number): RunRecord[] {
    const candidates = deps.store.runs({ workflow: run.workflow, fromMs: run.startMs - BASELINE_LOOKBACK_MS, toMs: run.startMs, statuses: ['success'], limit: count + SAME_START_SLACK });
    return successesBefore(candidates.reverse(), run, count);
  }
}
