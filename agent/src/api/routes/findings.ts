import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Finding } from '../../model/finding.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { withExampleRuns, withExampleRunsOf } from '../example-runs.js';
import { category, errors, findingKind, findingObject, findingsOf, findingStatus, json, limitQuery, severity, someOf } from '../schemas.js';

const idParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
const actionBody = z
  .object({ by: z.string().min(1).max(200).optional(), note: z.string().max(4000).optional() })
  .strict()
  .openapi('FindingAction');

export function findingRoutes(deps: ApiDeps) {
  const require = (id: string): Finding => {
    const finding = deps.store.finding(id);
    if (!finding) throw notFound(`finding ${JSON.stringify(id)}`);
    return finding;
  };
  const action = (status: 'acknowledged' | 'resolved', verb: string) =>
    createRoute({
      method: 'post',
      path: `/api/v1/findings/{id}/${verb}`,
      summary: `Mark a finding ${status}, recording who and when`,
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: actionBody } }, required: false },
      },
      responses: { 200: json(findingObject, 'the updated finding'), 400: errors[400], 404: errors[404] },
    });

  const app = new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/findings',
        summary: 'Findings, open first then by severity and recency',
        request: {
          query: z.object({
            workflow: z.string().optional(),
            severity: severity.optional(),
            category: category.optional(),
            kind: findingKind.optional(),
            status: someOf(findingStatus).optional(),
            limit: limitQuery(1000, 200),
          }),
        },
        responses: { 200: json(findingsOf('FindingList'), 'findings'), 400: errors[400] },
      }),
      (c) => c.json({ items: withExampleRuns(deps.store, deps.store.findings(c.req.valid('query'))) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/findings/{id}',
        request: { params: idParam },
        responses: { 200: json(findingObject, 'the finding'), 404: errors[404] },
      }),
      (c) => c.json(withExampleRunsOf(deps.store, require(c.req.valid('param').id)), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/findings/{id}/similar',
        summary: 'Other findings like this one (same kind, category, step, pattern or attributes), most alike first',
        request: { params: idParam },
        responses: { 200: json(findingsOf('SimilarFindings'), 'similar findings'), 404: errors[404] },
      }),
      (c) => {
        const finding = require(c.req.valid('param').id);
        const others = deps.store.findings({ limit: 1000 }).filter((other) => other.id !== finding.id);
        const ranked = others
          .map((other) => ({ other, score: similarity(finding, other) }))
          .filter((entry) => entry.score >= 0.3)
          .sort((a, b) => b.score - a.score)
          .slice(0, 10);
        const items = withExampleRuns(deps.store, ranked.map((entry) => entry.other)).map((other, i) => ({
          ...other,
          similarity: Math.round(ranked[i]!.score * 100) / 100,
        }));
        return c.json({ items }, 200);
      },
    );
  for (const [status, verb] of [['acknowledged', 'acknowledge'], ['resolved', 'resolve']] as const) {
    app.openapi(action(status, verb), async (c) => {
      const { id } = c.req.valid('param');
      require(id);
      // {} when the request has no body; a chunked body is read like any other.
      const body = c.req.valid('json');
      const by = body.by ?? c.req.header('x-grafana-user') ?? 'api';
      return c.json(withExampleRunsOf(deps.store, deps.store.setFindingStatus(id, status, by, deps.now(), body.note)!), 200);
    });
  }
  return app;
}

/** Weighted overlap of what identifies a problem: kind, category, step, pattern, attribute values, workflows. */
function similarity(a: Finding, b: Finding): number {
  let score = 0;
  if (a.kind === b.kind) score += 0.2;
  if (a.category === b.category) score += 0.2;
  if (a.rootCause.step && a.rootCause.step === b.rootCause.step) score += 0.2;
  if (a.rootCause.pattern && a.rootCause.pattern === b.rootCause.pattern) score += 0.25;
  const attrsA = Object.entries(a.rootCause.attributes).map(([k, v]) => `${k}=${v}`);
  const attrsB = new Set(Object.entries(b.rootCause.attributes).map(([k, v]) => `${k}=${v}`));
  if (attrsA.some((pair) => attrsB.has(pair))) score += 0.25;
  const workflowsB = new Set(b.workflows ?? [b.workflow]);
  if ((a.workflows ?? [a.workflow]).some((w) => workflowsB.has(w))) score += 0.1;
  return Math.min(1, score);
}
