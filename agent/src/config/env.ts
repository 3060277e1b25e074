import { ConfigError } from './error.js';

/**
 * `FLOWLENS_<SECTION>_<KEY>` environment variables, camelCase keys in SNAKE_CASE:
 * FLOWLENS_STORAGE_PATH, FLOWLENS_OTLP_MAX_BODY_SIZE, FLOWLENS_API_LISTEN… Lists (`slos`, `rules`) take JSON; token
 * lists take JSON or comma-separated tokens.
 * The table is explicit so an unknown variable can be reported rather than silently ignored.
 */
export const ENV_KEYS: readonly string[] = [
  'storage.path',
  'storage.retention',
  'otlp.http',
  'otlp.grpc',
  'otlp.maxBodySize',
  'otlp.requestTimeout',
  'otlp.maxPendingItems',
  'otlp.maxSpansPerTrace',
  'api.listen',
  'api.externalUrl',
  'analysis.schedule',
  'analysis.window',
  'analysis.enabled',
  'analysis.timeZone',
  'metrics.maxWorkflows',
  'metrics.maxStepsPerWorkflow',
  'alertmanager.url',
  'alertmanager.resendInterval',
  'alertmanager.grafanaUrl',
  'alertmanager.grafanaOrgs',
  'auth.ingestTokens',
  'auth.apiTokens',
  'auth.metricsRequireToken',
  'auth.healthRequireToken',
  'tls.cert',
  'tls.key',
  'log.level',
  'slos',
  'rules',
];

export function envName(key: string): string {
  return `FLOWLENS_${key.replace(/\./g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

const JSON_KEYS = new Set(['alertmanager.grafanaOrgs', 'slos', 'rules']);
/** Secrets: their values are never echoed in an error, which ends up in logs. */
const TOKEN_KEYS = new Set(['auth.ingestTokens', 'auth.apiTokens']);

/** The variables of the CLI's remote commands (`cli/api-client.ts`), set in the same shells as the agent's. */
const CLI_VARIABLES = new Set(['FLOWLENS_URL', 'FLOWLENS_API_TOKEN']);

/** Returns a copy of `raw` with every set `FLOWLENS_…` variable applied; unknown FLOWLENS_ variables throw. */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const known = new Map(ENV_KEYS.map((key) => [envName(key), key]));
  const out = structuredClone(raw);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FLOWLENS_') || value === undefined || CLI_VARIABLES.has(name)) continue;
    const key = known.get(name);
    if (!key) throw new ConfigError(`unknown environment variable ${name} (known: ${[...known.keys()].join(', ')})`);
    let parsed: unknown = value;
    if (TOKEN_KEYS.has(key)) parsed = parseTokens(name, value);
    else if (JSON_KEYS.has(key)) {
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new ConfigError(`${name} must be JSON, got ${JSON.stringify(value)}`);
      }
    }
    setPath(out, key.split('.'), parsed);
  }
  return out;
}

/** A JSON list (for tenants: `[{"token":"…","tenant":"a"}]`), else one token or several, comma-separated. */
function parseTokens(name: string, value: string): unknown {
  const tokens = value.split(',').map((token) => token.trim()).filter(Boolean);
  // An empty variable (a secret that was not filled in) must not turn authentication off: `[]` says so on purpose.
  if (tokens.length === 0) throw new ConfigError(`${name} is empty: give one token or several, comma-separated, or [] for none`);
  if (!value.trimStart().startsWith('[')) return tokens;
  try {
    return JSON.parse(value);
  } catch {
    throw new ConfigError(`${name} must be a JSON list or comma-separated tokens (its value is not shown: it holds secrets)`);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (!isPlainObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
