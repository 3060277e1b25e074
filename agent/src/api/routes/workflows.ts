import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { runItems } from '../../analyse/index.js';
import type { Severity } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import type { RunQuery } from '../../store/store.js';
import { attributeTransitions } from '../../query/attribute-transitions.js';
import { sliceStarts, stepStats, timeline, toSummary } from '../../query/workflow-stats.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { errors, itemsOf, json, jsonObject, limitQuery, runStatus, timeRangeQuery, workflowList } from '../schemas.js';
import { resolveRange } from '../time.js';
import { runView, transitionView } from '../views.js';

const SPARKLINE_BUCKETS = 24;
/** Runs read at a time when the runs list filters by attribute. */
const FILTER_PAGE = 500;
const TIMELINE_BUCKETS = 48;
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const HEALTH_ORDER = { unhealthy: 0, degraded: 1, unknown: 2, healthy: 3 } as const;

/**
 * `attribute=key=value`, repeatable: runs carrying each, on the run or a step, as correlation sees runs (so every
 * attribute a finding names as its root cause filters its runs, `downstream.failing=<service>` included).
 */
const attributeFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .refine((items) => items.every((item) => item.indexOf('=') > 0), { message: 'expected key=value' })
  .optional()
  .openapi({ description: 'key=value, repeatable: only runs whose run or steps carry each (as findings name root-cause attributes)', example: 'host.name=worker-3' });

const nameParam = z.object({ name: z.string().min(1).openapi({ param: { name: 'name', in: 'path' }, example: 'deploy' }) });

export function workflowRoutes(deps: ApiDeps) {
  /**
   * Attributes live in the runs' text, so runs are read newest first a page at a time and filtered here, until
   * `limit` match: the whole range is read only when fewer do.
   */
  const runsCarrying = (query: RunQuery, items: string[], limit: number): RunRecord[] => {
    const found: RunRecord[] = [];
    const seen = new Set<string>();
    for (let toMs = query.toMs; ; ) {
      const page = deps.store.runs({ ...query, toMs, limit: FILTER_PAGE });
      for (const run of page) {
        if (seen.has(run.id)) continue;
        seen.add(run.id);
        if (items.every((item) => runItems(run).includes(item)) && found.push(run) === limit) return found;
      }
      if (page.length < FILTER_PAGE) return found;
      // The next page starts at the oldest start read, whose other runs it may hold; past it if the page was all one.
      const oldest = page[page.length - 1]!.startMs;
      toMs = oldest < toMs ? oldest : toMs - 1;
    }
  };

  /** Open and acknowledged findings by severity, for one workflow or (one query) every workflow. */
  const openFindings = (workflow?: string) => {
    const counts = new Map<string, Record<Severity, number>>();
    for (const status of ['open', 'acknowledged'] as const) {
      for (const finding of deps.store.findings({ status, limit: 10_000, ...(workflow && { workflow }) })) {
        for (const name of finding.workflows ?? [finding.workflow]) {
          let entry = counts.get(name);
          if (!entry) counts.set(name, (entry = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>));
          entry[finding.severity]++;
        }
      }
    }
    const none = Object.freeze(Object.fromEntries(SEVERITIES.map((s) => [s, 0]))) as Record<Severity, number>;
    return (name: string) => counts.get(name) ?? none;
  };
  const healthOf = (name: string) => deps.analysis.health(name) ?? { score: null, status: 'unknown' as const, factors: [] };
  const sloOf = (name: string) => {
    const slo = deps.analysis.slos().find((s) => s.workflow === name);
    return slo ? { name: slo.name, objective: slo.objective, errorBudgetRemaining: slo.errorBudgetRemaining, state: slo.state } : null;
  };
  const requireRuns = (name: string, fromMs: number, toMs: number) => {
    const runs = deps.store.runs({ workflow: name, fromMs, toMs });
    if (runs.length === 0 && !deps.store.hasWorkflow(name)) throw notFound(`workflow ${JSON.stringify(name)}`);
    return runs;
  };

  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/workflows',
        summary: 'Every workflow seen in the range with its figures, health, SLO and open findings, worst first',
        request: { query: z.object({ ...timeRangeQuery, q: z.string().optional().openapi({ description: 'substring of the name' }) }) },
        responses: { 200: json(workflowList, 'workflows'), 400: errors[400] },
      }),
      (c) => {
        const { from, to, q } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        const needle = q?.toLowerCase();
        const findingsOf = openFindings();
        const slos = new Map(deps.analysis.slos().map((slo) => [slo.workflow, slo]));
        const starts = sliceStarts(fromMs, toMs, SPARKLINE_BUCKETS);
        const items = deps.store
          .workflowAggregates({ fromMs, toMs, slices: SPARKLINE_BUCKETS })
          .filter((aggregate) => !needle || aggregate.workflow.toLowerCase().includes(needle))
          .map((aggregate) => {
            const health = healthOf(aggregate.workflow);
            const slo = slos.get(aggregate.workflow);
            return Object.assign(toSummary(aggregate), {
              health: { score: health.score, status: health.status },
              openFindings: findingsOf(aggregate.workflow),
              slo: slo ? { name: slo.name, objective: slo.objective, errorBudgetRemaining: slo.errorBudgetRemaining, state: slo.state } : null,
              sparkline: aggregate.activity ?? { runs: [], failures: [] },
            });
          })
          .sort(
            (a, b) =>
              HEALTH_ORDER[a.health.status] - HEALTH_ORDER[b.health.status] ||
              (a.health.score ?? 101) - (b.health.score ?? 101) ||
              (a.successRate ?? 1) - (b.successRate ?? 1) ||
              // Code-point order: localeCompare was a tenth of the list's time with 1,000 workflows.
              (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
          );
        // Each workflow's sparkline holds counts only; the slices' start times come once, beside the items.
        return c.json({ sparklineStarts: starts, items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/workflows/{name}',
        summary: 'One workflow: figures, per-step statistics with downstream services, a timeline, and the changes of its steady attributes',
        request: { params: nameParam, query: z.object(timeRangeQuery) },
        responses: { 200: json(jsonObject('Workflow'), 'the workflow'), 400: errors[400], 404: errors[404] },
      }),
      (c) => {
        const { name } = c.req.valid('param');
        const { from, to } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        const runs = requireRuns(name, fromMs, toMs);
        const health = healthOf(name);
        const aggregate = deps.store.workflowAggregates({ fromMs, toMs, workflow: name })[0];
        return c.json(
          {
            ...(aggregate ? toSummary(aggregate) : { name, runner: runs[0]?.runner ?? 'generic', runs: 0, failedRuns: 0, successRate: null, p50DurationSeconds: null, p95DurationSeconds: null, lastRunAt: null }),
            health: { score: health.score, status: health.status },
            openFindings: openFindings(name)(name),
            slo: sloOf(name),
            steps: stepStats(runs),
            timeline: timeline(runs, fromMs, toMs, TIMELINE_BUCKETS),
            changes: attributeTransitions(runs).map(transitionView),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/workflows/{name}/health',
        summary: 'Health score (0–100), status and the factors behind it',
        request: { params: nameParam },
        responses: { 200: json(jsonObject('Health'), 'health'), 404: errors[404] },
      }),
      (c) => {
        const { name } = c.req.valid('param');
        if (!deps.store.hasWorkflow(name)) throw notFound(`workflow ${JSON.stringify(name)}`);
        return c.json(healthOf(name), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/workflows/{name}/runs',
        summary: 'Runs of a workflow, newest first',
        request: {
          params: nameParam,
          query: z.object({ ...timeRangeQuery, status: runStatus.optional(), limit: limitQuery(1000, 100), attribute: attributeFilter }),
        },
        responses: { 200: json(itemsOf('RunList'), 'runs'), 400: errors[400], 404: errors[404] },
      }),
      (c) => {
        const { name } = c.req.valid('param');
        const { from, to, status, limit, attribute } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        if (!deps.store.hasWorkflow(name)) throw notFound(`workflow ${JSON.stringify(name)}`);
        const query = { workflow: name, fromMs, toMs, ...(status && { statuses: [status] }) };
        const runs = attribute ? runsCarrying(query, attribute, limit) : deps.store.runs({ ...query, limit });
        return c.json({ items: runs.map(runView) }, 200);
      },
    );
}
