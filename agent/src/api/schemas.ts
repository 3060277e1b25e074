import { z } from '@hono/zod-openapi';

/** Request schemas shared by routes; validated once here, so handlers read only checked values. */

export const timeRangeQuery = {
  from: z.string().optional().openapi({ description: 'ISO time, epoch ms, or relative like now-7d (default now-24h)', example: 'now-7d' }),
  to: z.string().optional().openapi({ description: 'ISO time, epoch ms, or relative (default now)', example: 'now' }),
};

export const limitQuery = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).openapi({ description: `at most ${max}` });

export const runStatus = z.enum(['success', 'failure', 'error', 'timeout', 'cancelled', 'skipped', 'running']);
export const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export const category = z.enum([
  'configuration', 'connectivity', 'permissions', 'performance', 'data', 'logic', 'external_service', 'timeout', 'resource',
]);
export const findingKind = z.enum(['anomaly', 'error_pattern', 'correlation', 'flaky', 'queue', 'trend', 'sla', 'stalled', 'rule']);
export const findingStatus = z.enum(['open', 'acknowledged', 'resolved']);

/** One or more of an enum's values, comma-separated (`failure,error,timeout`): a set, each value checked. */
export const someOf = <E extends z.ZodEnum>(values: E) =>
  z
    .string()
    .transform((text, ctx) => {
      const items = [...new Set(text.split(',').map((item) => item.trim()))];
      const unknown = items.filter((item) => !(values.options as readonly string[]).includes(item));
      if (unknown.length === 0) return items as z.output<E>[];
      ctx.addIssue({ code: 'custom', message: `expected ${values.options.join(', ')} or several of them comma-separated, not ${unknown.map((item) => JSON.stringify(item)).join(', ')}` });
      return z.NEVER;
    })
    .openapi({ description: `${values.options.join(', ')}; several comma-separated`, example: values.options.slice(0, 2).join(',') });

export const errorBody = z.object({ error: z.object({ message: z.string() }) }).openapi('Error');

/** Responses are documented by name; their fields are described in the README's API section. */
export const jsonObject = (name: string) => z.record(z.string(), z.unknown()).openapi(name);
export const itemsOf = (name: string) => z.object({ items: z.array(z.record(z.string(), z.unknown())) }).openapi(name);

/** A finding's example run still stored, as a client shows and links it without asking for the run. */
const exampleRun = z
  .object({
    id: z.string().openapi({ description: "the agent's run id, for /api/v1/runs/{id}" }),
    runId: z.string().openapi({ description: "the runner's run id, as the runner's UI shows it" }),
    workflow: z.string().openapi({ description: "the run's own workflow (a finding may concern several)" }),
    status: runStatus,
    startTime: z.string(),
  })
  .openapi('ExampleRun');

/** A finding: its other fields are described in the README's API section. */
export const findingObject = z
  .object({ exampleRuns: z.array(exampleRun).openapi({ description: "`evidence.exampleRunIds`' runs still stored, in its order" }) })
  .catchall(z.unknown())
  .openapi('Finding');
export const findingsOf = (name: string) => z.object({ items: z.array(findingObject) }).openapi(name);

/** The workflow list: the start time of each sparkline slice once, then the workflows. */
export const workflowList = z
  .object({ sparklineStarts: z.array(z.string()), items: z.array(z.record(z.string(), z.unknown())) })
  .openapi('WorkflowList');

export const json = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const errors = {
  400: json(errorBody, 'invalid request'),
  404: json(errorBody, 'not found'),
};
