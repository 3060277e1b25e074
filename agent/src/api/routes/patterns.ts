import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { errors, itemsOf, json, limitQuery, timeRangeQuery } from '../schemas.js';
import { resolveRange } from '../time.js';
import { severityName, severityNumber } from '../views.js';
import { isoTime } from '../../runtime/iso-time.js';

export function patternRoutes(deps: ApiDeps) {
  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/patterns',
        summary: 'Log and error templates with counts, where they occur and examples',
        request: {
          query: z.object({
            ...timeRangeQuery,
            workflow: z.string().optional(),
            step: z.string().optional(),
            severity: z.string().optional().openapi({ description: 'minimum: trace, debug, info, warn, error, fatal' }),
            limit: limitQuery(1000, 100),
          }),
        },
        responses: { 200: json(itemsOf('PatternList'), 'patterns'), 400: errors[400] },
      }),
      (c) => {
        const { from, to, workflow, step, severity, limit } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        const minSeverity = severity === undefined ? undefined : severityNumber(severity);
        if (severity !== undefined && minSeverity === undefined) {
          throw new ApiError(400, `severity: expected one of trace, debug, info, warn, error, fatal; got ${JSON.stringify(severity)}`);
        }
        const rows = deps.store.patterns({ fromMs, toMs, limit, ...(workflow && { workflow }), ...(step && { step }), ...(minSeverity && { minSeverity }) });
        const items = rows.map((row) => ({
          id: row.id,
          template: row.template,
          count: row.count,
          firstSeen: isoTime(row.firstMs),
          lastSeen: isoTime(row.lastMs),
          severity: severityName(row.maxSeverity),
          workflows: row.workflows,
          steps: row.steps,
          examples: row.examples,
        }));
        return c.json({ items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/patterns/{id}/runs',
        summary: 'The runs and steps a pattern occurred in, newest first',
        request: {
          params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
          query: z.object({ limit: limitQuery(1000, 100) }),
        },
        responses: { 200: json(itemsOf('PatternRuns'), 'runs of the pattern') },
      }),
      (c) => c.json({ items: deps.store.runsOfPattern(c.req.valid('param').id, c.req.valid('query').limit) }, 200),
    );
}
