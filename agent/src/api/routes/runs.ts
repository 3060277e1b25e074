import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { errors, json, jsonObject } from '../schemas.js';
import { comparisonView, logView, runView, stepView } from '../views.js';
import { listedSteps } from '../../query/listed-steps.js';
import { compareRuns, describeComparison, EARLIER_SUCCESSES, successesBefore } from '../../analyse/index.js';
import type { RunRecord } from '../../model/workflow.js';

const MAX_LOGS = 2_000;
/** How far back the last successful run is looked for. */
const BASELINE_LOOKBACK_MS = 7 * 86_400_000;
/** Runs started in the same millisecond as the compared one that the baseline query may have to skip. */
const SAME_START_SLACK = 8;

const runIdParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });

export function runRoutes(deps: ApiDeps) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}',
      summary: "A run with its steps, errors and logs (logs attached to their step by span id)",
      request: {
        params: runIdParam,
        query: z.object({
          steps: z.coerce.number().int().min(1).optional().openapi({
            description: 'list this many steps, the half that started first and the half that started last, and besides them every failed step and the steps enclosing those (default: every step); stepCount says how many the run has',
          }),
        }),
      },
      responses: { 200: json(jsonObject('Run'), 'the run'), 400: errors[400], 404: errors[404] },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const { steps: limit } = c.req.valid('query');
      const run = deps.store.run(id);
      if (!run) throw notFound(`run ${JSON.stringify(id)}`);
      const stepOfSpan = new Map<string, string>();
      for (const step of run.steps) for (const spanId of step.spanIds) stepOfSpan.set(spanId, step.id);
      const runSpans = new Set([run.spanId, ...stepOfSpan.keys()]);
      const logs = deps.store
        .logsOfTrace(run.traceId, MAX_LOGS)
        // A trace can hold several runs (child workflows): keep the logs of this run's spans.
        .filter((log) => !log.spanId || runSpans.has(log.spanId) || run.steps.length === 0);
      const errorsOf = run.steps
        .filter((step) => step.errorMessage || step.errorType)
        .map((step) => ({ step: step.name, stepId: step.id, type: step.errorType ?? null, message: step.errorMessage ?? null }));
      if (errorsOf.length === 0 && (run.errorMessage || run.errorType)) {
        errorsOf.push({ step: '', stepId: '', type: run.errorType ?? null, message: run.errorMessage ?? null });
      }
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
          with: z.string().min(1).optional().openapi({ description: 'the id of the run to compare with (default: the newest successful run of the same workflow started in the 7 days before)' }),
        }),
      },
      responses: { 200: json(jsonObject('RunComparison'), 'the comparison'), 400: errors[400], 404: errors[404] },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const given = c.req.valid('query').with;
      const run = deps.store.run(id);
      if (!run) throw notFound(`run ${JSON.stringify(id)}`);
      if (given === run.id) throw new ApiError(400, 'with: a run compared with itself shows no change; name another run');
      const { baseline, earlier } = given === undefined ? lastSuccess(run) : chosen(given);
      const choice = { run: runView(run), baselineChoice: given === undefined ? 'last-success' : 'given' };
      if (!baseline) {
        return c.json({ ...choice, baseline: null, note: `No successful run of \`${run.workflow}\` started in the 7 days before this run.` }, 200);
      }
      const comparison = compareRuns(run, baseline, earlier);
      return c.json({ ...choice, baseline: runView(baseline), ...comparisonView(run, baseline, comparison), summary: describeComparison(comparison) }, 200);
    },
  );

  /** The baseline and the successful runs before it, which say which attributes vary from run to run. */
  function lastSuccess(run: RunRecord): { baseline: RunRecord | undefined; earlier: RunRecord[] } {
    const [baseline, ...earlier] = successesInWeekBefore(run, 1 + EARLIER_SUCCESSES);
    return { baseline, earlier };
  }

  function chosen(id: string): { baseline: RunRecord; earlier: RunRecord[] } {
    const baseline = deps.store.run(id);
    if (!baseline) throw notFound(`run ${JSON.stringify(id)}`);
    return { baseline, earlier: successesInWeekBefore(baseline, EARLIER_SUCCESSES) };
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
