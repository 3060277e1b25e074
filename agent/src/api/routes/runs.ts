import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { errors, json, jsonObject } from '../schemas.js';
import { logView, runView, stepView } from '../views.js';
import { listedSteps } from '../../query/listed-steps.js';

const MAX_LOGS = 2_000;

export function runRoutes(deps: ApiDeps) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}',
      summary: "A run with its steps, errors and logs (logs attached to their step by span id)",
      request: {
        params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
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
  );
}
