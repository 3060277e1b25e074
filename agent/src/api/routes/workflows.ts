import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { runItems } from '../../analyse/index.js';
import type { Severity } from '../../model/finding.js';
import { LIVE_FINDINGS, type WorkflowAggregate } from '../../store/store.js';
import { attributeTransitions } from '../../query/attribute-transitions.js';
import { sliceStarts, stepStats, timeline, toSummary } from '../../query/workflow-stats.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { runsMatching } from '../run-pages.js';
import { errors, itemsOf, json, jsonObject, limitQuery, runStatus, someOf, timeRangeQuery, workflowList } from '../schemas.js';
import { resolveRange } from '../time.js';
import { runView, transitionView } from '../views.js';

const SPARKLINE_BUCKETS = 24;
/** How far back before a range's end a workflow without runs in it has its newest run looked for. */
const NEWEST_RUN_LOOKBACK_MS = 30 * 86_400_000;
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
   * Open and acknowledged findings by severity, for one workflow or (one query) every workflow: an acknowledged
   * finding is still a live problem, only one someone is on.
   */
  const liveFindings = (workflow?: string) => {
    const counts = new Map<string, Record<Severity, number>>();
    for (const finding of deps.store.findings({ status: LIVE_FINDINGS, limit: 10_000, ...(workflow && { workflow }) })) {
      for (const name of finding.workflows ?? [finding.workflow]) {
        let entry = counts.get(name);
        if (!entry) counts.set(name, (entry = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>));
        entry[finding.severity]++;
      }
    }
    const none = Object.freeze(Object.fromEntries(SEVERITIES.map((s) => [s, 0]))) as Record<Severity, number>;
    return { of: (name: string) => counts.get(name) ?? none, workflows: counts.keys() };
  };
  /** Unknown health (too few runs, or not analysed yet) is no score at all, not a score of 0. */
  const healthOf = (name: string) => {
    const report = deps.analysis.health(name);
    return report && report.status !== 'unknown' ? report : { score: null, status: 'unknown' as const, factors: [] };
  };
  /**
   * The figures of a workflow with no run started in the range (a stalled one has none): no runs, and the runner and
   * last run of its newest run before the range's end.
   */
  const quietAggregate = (name: string, toMs: number, slices = 0): WorkflowAggregate => {
    const [newest] = deps.store.runs({ workflow: name, fromMs: toMs - NEWEST_RUN_LOOKBACK_MS, toMs, limit: 1 });
    // A range before the workflow's runs still names the runner its runs came from.
    const [any] = newest ? [newest] : deps.store.runs({ workflow: name, fromMs: toMs, toMs: deps.now(), limit: 1 });
    return {
      workflow: name,
      runner: any?.runner ?? 'generic',
      runs: 0,
      failedRuns: 0,
      ratedRuns: 0,
      p50DurationMs: null,
      p95DurationMs: null,
      lastEndMs: newest?.endMs ?? null,
      activity: { runs: Array<number>(slices).fill(0), failures: Array<number>(slices).fill(0) },
    };
  };
  const sloOf = (name: string) => {
    const slo = deps.analysis.slos().find((s) => s.workflow === name);
    return slo ? { name: slo.name, objective: slo.objective, errorBudgetRemaining: slo.errorBudgetRemaining, state: slo.state } : null;
  };
  /** A workflow is known by its runs, or by a live finding, which keeps it listed after its runs are gone. */
  const requireKnown = (name: string) => {
    const live = () => deps.store.findings({ status: LIVE_FINDINGS, workflow: name, limit: 1 }).length > 0;
    if (!deps.store.hasWorkflow(name) && !live()) throw notFound(`workflow ${JSON.stringify(name)}`);
  };
  const requireRuns = (name: string, fromMs: number, toMs: number) => {
    const runs = deps.store.runs({ workflow: name, fromMs, toMs });
    if (runs.length === 0) requireKnown(name);
    return runs;
  };

  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/v1/workflows',
        summary: 'Every workflow that ran in the range or has an open or acknowledged finding, with its figures for the range, health, SLO and those findings, worst first',
        request: { query: z.object({ ...timeRangeQuery, q: z.string().optional().openapi({ description: 'substring of the name' }) }) },
        responses: { 200: json(workflowList, 'workflows'), 400: errors[400] },
      }),
      (c) => {
        const { from, to, q } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        const matches = (name: string) => !q || name.toLowerCase().includes(q.toLowerCase());
        const findings = liveFindings();
        const slos = new Map(deps.analysis.slos().map((slo) => [slo.workflow, slo]));
        const starts = sliceStarts(fromMs, toMs, SPARKLINE_BUCKETS);
        const aggregates = deps.store.workflowAggregates({ fromMs, toMs, slices: SPARKLINE_BUCKETS });
        const ran = new Set(aggregates.map((aggregate) => aggregate.workflow));
        // A workflow with a live finding is listed whether it ran in the range or not: a stalled one has not.
        for (const name of findings.workflows) if (!ran.has(name)) aggregates.push(quietAggregate(name, toMs, SPARKLINE_BUCKETS));
        const items = aggregates
          .filter((aggregate) => matches(aggregate.workflow))
          .map((aggregate) => {
            const health = healthOf(aggregate.workflow);
            const slo = slos.get(aggregate.workflow);
            return Object.assign(toSummary(aggregate), {
              health: { score: health.score, status: health.status },
              openFindings: findings.of(aggregate.workflow),
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
            ...toSummary(aggregate ?? quietAggregate(name, toMs)),
            health: { score: health.score, status: health.status },
            openFindings: liveFindings(name).of(name),
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
        requireKnown(name);
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
          query: z.object({ ...timeRangeQuery, status: someOf(runStatus).optional(), limit: limitQuery(1000, 100), attribute: attributeFilter }),
        },
        responses: { 200: json(itemsOf('RunList'), 'runs'), 400: errors[400], 404: errors[404] },
      }),
      (c) => {
        const { name } = c.req.valid('param');
        const { from, to, status, limit, attribute } = c.req.valid('query');
        const { fromMs, toMs } = resolveRange(from, to, deps.now());
        requireKnown(name);
        const query = { workflow: name, fromMs, toMs, ...(status && { statuses: status }) };
        const runs = attribute
          ? runsMatching(deps.store, query, (run) => attribute.every((item) => runItems(run).includes(item)), limit)
          : deps.store.runs({ ...query, limit });
        return c.json({ items: runs.map(runView) }, 200);
      },
    );
}
