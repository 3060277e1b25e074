import { CronTime, validateCronExpression } from 'cron';
import { z } from 'zod';
import { DEFAULT_MAX_SPANS_PER_TRACE } from '../store/store.js';
import { isTimeZone } from '../analyse/wall-clock.js';
import { parseDurationMs, parseListen, parseSizeBytes } from './units.js';

/**
 * The agent's configuration: one schema with defaults, validated once at start. Every key can also be set from
 * a `FLOWLENS_…` environment variable (see env.ts).
 */

const duration = (example: string) =>
  z.union([z.string(), z.number()], { error: `expected a duration such as ${example}` }).transform((value, ctx) => {
    const ms = typeof value === 'number' ? value * 1_000 : parseDurationMs(value);
    if (ms === undefined || !(ms > 0)) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as ${example}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

const size = z.union([z.string(), z.number()], { error: 'expected a size such as 16MiB' }).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSizeBytes(value);
  if (bytes === undefined || !(bytes > 0)) {
    ctx.addIssue({ code: 'custom', message: `expected a size such as 16MiB, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
});

function toListen(value: string, ctx: z.RefinementCtx) {
  const parsed = parseListen(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `expected host:port such as 127.0.0.1:4318, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed;
}

const listen = z.string().transform(toListen);

/**
 * A receiver address, or `false` (also the string "false") to turn the receiver off. One transform rather than a
 * union of the three, whose error would be zod's bare "Invalid input" instead of what is expected.
 */
const listenOrOff = z
  .union([z.literal(false), z.string()], { error: 'expected host:port such as 127.0.0.1:4318, or false to turn it off' })
  .transform((value, ctx) => (value === false || value === 'false' ? (false as const) : toListen(value, ctx)));

/** Checked here so a bad schedule is a configuration error naming its key, not a crash once the agent runs. */
const cron = z.string().superRefine((value, ctx) => {
  const { valid, error } = validateCronExpression(value);
  if (!valid) {
    const why = error?.message ?? 'invalid';
    ctx.addIssue({ code: 'custom', message: `expected a cron expression such as "*/5 * * * *", got ${JSON.stringify(value)}: ${why}` });
  } else if (!firesAtAll(value)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} never fires (no such date in the next 8 years)` });
});

/** A valid expression may name no date at all (30 February): the cron package finds that only when asked for one. */
function firesAtAll(expression: string): boolean {
  try {
    new CronTime(expression).sendAt();
    return true;
  } catch {
    return false;
  }
}

const boolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'expected true or false' });

/**
 * A tenant's name becomes part of its store's file name (`flowlens.<tenant>.db`): letters, digits, ".", "-" and
 * "_", starting with a letter or digit, so it cannot leave the data folder (names that were valid before keep
 * their files, unless they held a path).
 */
const tenantName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'a tenant is named by 1 to 63 letters, digits, ".", "-" and "_", starting with a letter or digit' });

/** A bearer token, optionally bound to a tenant: `"s3cret"` or `{ token: "s3cret", tenant: "team-a" }`. */
const tokenEntry = z
  .union([z.string(), z.object({ token: z.string(), tenant: tenantName.optional() }).strict()], { error: 'expected a token, or { token, tenant }' })
  .transform((entry) => (typeof entry === 'string' ? { token: entry } : entry))
  .refine((entry) => entry.token.length >= 16, { message: 'tokens must be at least 16 characters' });
type TokenEntry = z.output<typeof tokenEntry>;

const sloSchema = z.object({
  workflow: z.string().min(1),
  name: z.string().min(1).optional(),
  objective: z.number().gt(0).lt(100),
  window: duration('7d').prefault('7d'),
  maxDuration: duration('300s').optional(),
}).strict();

const ruleSchema = z.object({
  workflow: z.string().min(1).default('*'),
  name: z.string().min(1).optional(),
  metric: z.enum(['failure_rate', 'success_rate', 'p50_duration', 'p95_duration', 'mean_duration', 'runs', 'consecutive_failures', 'queue_p95']),
  condition: z.enum(['>', '>=', '<', '<=', '==', '!=']),
  threshold: z.number(),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']).default('medium'),
  cooldown: duration('1h').prefault('1h'),
  window: duration('1h').prefault('1h'),
}).strict();

/**
 * A token belongs to one tenant (or to none) across both lists: a token bound twice would be taken for whichever
 * entry comes first, and a token that writes one tenant's data and reads another's is a mistake. The error names
 * the entries, never the token.
 */
function oneTenantPerToken(auth: { ingestTokens: TokenEntry[]; apiTokens: TokenEntry[] }, ctx: z.RefinementCtx): void {
  const first = new Map<string, { tenant: string | undefined; key: string }>();
  for (const list of ['ingestTokens', 'apiTokens'] as const) {
    auth[list].forEach(({ token, tenant }, index) => {
      const key = `auth.${list}.${index}`;
      const seen = first.get(token);
      if (!seen) first.set(token, { tenant, key });
      else if (seen.tenant !== tenant) {
        const whose = (name: string | undefined) => (name === undefined ? 'no tenant' : `tenant "${name}"`);
        ctx.addIssue({
          code: 'custom',
          path: [list, index],
          message: `this token is given to ${whose(tenant)} here and to ${whose(seen.tenant)} at ${seen.key}: a token belongs to one tenant`,
        });
      }
    });
  }
}

export const configSchema = z
  .object({
    storage: z
      .object({
        path: z.string().min(1).default('./data/flowlens.db'),
        retention: duration('14d').prefault('14d'),
      })
      .strict()
      .prefault({}),
    otlp: z
      .object({
        http: listenOrOff.prefault('127.0.0.1:4318'),
        grpc: listenOrOff.prefault('127.0.0.1:4317'),
        maxBodySize: size.prefault('16MiB'),
        /** How long an OTLP/HTTP request may take to arrive whole; a sender stalled past it is answered 408. */
        requestTimeout: duration('30s').prefault('30s'),
        /** Spans and log records waiting to be written before ingest answers 503/UNAVAILABLE. */
        maxPendingItems: z.coerce.number().int().positive().default(200_000),
        /** Spans one trace may hold; later spans of a trace past it are refused (partial success). */
        maxSpansPerTrace: z.coerce.number().int().positive().default(DEFAULT_MAX_SPANS_PER_TRACE),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        listen: listen.prefault('127.0.0.1:9470'),
        /** Base URL under which users reach the API (links in alerts); defaults to http://<listen>. */
        externalUrl: z.string().url().optional(),
      })
      .strict()
      .prefault({}),
    analysis: z
      .object({
        schedule: cron.default('* * * * *'),
        window: duration('14d').prefault('14d'),
        enabled: boolish.prefault(true),
        timeZone: z
          .string()
          .refine(isTimeZone, { error: (issue) => `expected an IANA time zone such as Europe/Berlin or UTC, got ${JSON.stringify(issue.input)}` })
          .default('UTC'),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        maxWorkflows: z.coerce.number().int().positive().default(500),
        maxStepsPerWorkflow: z.coerce.number().int().positive().default(50),
      })
      .strict()
      .prefault({}),
    alertmanager: z
      .object({
        url: z.string().url().optional(),
        resendInterval: duration('1m').prefault('1m'),
        /** Grafana as users reach it: pushed findings link to the workflow's page in the FlowLens app there. */
        grafanaUrl: z.string().url().default('http://localhost:3000'),
        /**
         * The Grafana organisation of each named tenant (whose app holds that tenant's API token): its pushed
         * findings link there. The default tenant's links open in the user's current organisation.
         */
        grafanaOrgs: z.record(tenantName, z.coerce.number().int().positive()).default({}),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** Tokens senders must present on OTLP requests; none = open ingest. */
        ingestTokens: z.array(tokenEntry).default([]),
        /** Tokens the API (and Grafana) must present; none = open API. */
        apiTokens: z.array(tokenEntry).default([]),
        /** With API tokens set: whether `/metrics` needs one too. */
        metricsRequireToken: boolish.default(true),
        /** With API tokens set: whether `/healthz` and `/readyz` need one too. */
        healthRequireToken: boolish.default(false),
      })
      .strict()
      .prefault({})
      .superRefine(oneTenantPerToken),
    tls: z
      .object({
        /** PEM certificate and key files: when both are set, OTLP/HTTP, OTLP/gRPC and the API serve TLS. */
        cert: z.string().min(1).optional(),
        key: z.string().min(1).optional(),
      })
      .strict()
      .prefault({})
      .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), { message: 'set both tls.cert and tls.key, or neither' }),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
      .strict()
      .prefault({}),
    slos: z.array(sloSchema).default([]),
    rules: z.array(ruleSchema).default([]),
  })
  .strict();

export type FlowLensConfig = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type SloConfig = z.output<typeof sloSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type Listen = { host: string; port: number };
