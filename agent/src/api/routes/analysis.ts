import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { errors, itemsOf, json, jsonObject, limitQuery } from '../schemas.js';
import { severityOrder } from '../../model/finding.js';
import { LIVE_FINDINGS } from '../../store/store.js';

const IMPACT = { critical: 'high', high: 'high', medium: 'medium', low: 'low', info: 'low' } as const;

const sessionBody = z
  .object({
    workflow: z.string().min(1),
    errorLogs: z.array(z.string().max(10_000)).max(1_000).optional(),
    metrics: z.record(z.string(), z.number()).optional(),
  })
  .openapi('SessionRequest');

const sessionIdParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });

/** Results of analysis: SLOs, recommendations, on-demand runs, troubleshooting sessions. */
export function analysisRoutes(deps: ApiDeps) {
  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/slos',
        summary: 'Each configured SLO with its SLI, error budget, burn rates and state',
        responses: { 200: json(itemsOf('SloList'), 'SLOs') },
      }),
      (c) => c.json({ items: deps.analysis.slos() }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/recommendations',
        summary: 'Recommendations of the open and acknowledged findings, highest impact first',
        request: { query: z.object({ workflow: z.string().optional(), limit: limitQuery(1000, 200) }) },
        responses: { 200: json(itemsOf('RecommendationList'), 'recommendations'), 400: errors[400] },
      }),
      (c) => {
        const { workflow, limit } = c.req.valid('query');
        const findings = deps.store.findings({ status: LIVE_FINDINGS, limit: 2000, ...(workflow && { workflow }) });
        const items = findings.flatMap((finding) =>
          finding.recommendations.map((recommendation) => ({
            workflow: finding.workflow,
            workflows: finding.workflows ?? [finding.workflow],
            findingId: finding.id,
            findingTitle: finding.title,
            kind: finding.kind,
            status: finding.status,
            severity: finding.severity,
            category: finding.category,
            impact: IMPACT[finding.severity],
            title: recommendation.title,
            steps: recommendation.steps,
          })),
        );
        // Within an impact, the most severe first, and what nobody has taken up yet before what someone has; a
        // finding's own recommendations keep their order (the sort is stable).
        const rank = { high: 0, medium: 1, low: 2 };
        items.sort(
          (a, b) =>
            rank[a.impact] - rank[b.impact] ||
            severityOrder[a.severity] - severityOrder[b.severity] ||
            Number(a.status === 'acknowledged') - Number(b.status === 'acknowledged') ||
            a.workflow.localeCompare(b.workflow),
        );
        return c.json({ items: items.slice(0, limit) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/v1/analyze',
        summary: 'Run the analysis now and answer with a summary',
        responses: { 200: json(jsonObject('AnalysisSummary'), 'summary of the pass') },
      }),
      async (c) => c.json(await deps.analysis.analyseNow(), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/v1/sessions',
        summary: 'Start a troubleshooting session: identification → analysis → diagnosis → resolution → verification',
        request: { body: { content: { 'application/json': { schema: sessionBody } }, required: true } },
        responses: { 201: json(jsonObject('Session'), 'the session'), 400: errors[400], 404: errors[404] },
      }),
      (c) => {
        const body = c.req.valid('json');
        if (!deps.store.hasWorkflow(body.workflow)) throw notFound(`workflow ${JSON.stringify(body.workflow)}`);
        return c.json(deps.analysis.startSession(body), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/sessions/{id}',
        summary: 'A troubleshooting session as it was started',
        request: { params: sessionIdParam },
        responses: { 200: json(jsonObject('Session'), 'the session'), 404: errors[404] },
      }),
      (c) => {
        const session = deps.analysis.session(c.req.valid('param').id);
        if (!session) throw notFound(`session ${JSON.stringify(c.req.valid('param').id)}`);
        return c.json(session, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/v1/sessions/{id}/verify',
        summary: "Check the workflow's runs since the session began to confirm the fix",
        request: { params: sessionIdParam },
        responses: { 200: json(jsonObject('SessionVerification'), 'verification'), 404: errors[404] },
      }),
      (c) => {
        const result = deps.analysis.verifySession(c.req.valid('param').id);
        if (!result) throw notFound(`session ${JSON.stringify(c.req.valid('param').id)}`);
        return c.json(result, 200);
      },
    );
}
