import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { configSchema, type ConfigInput, type FlowLensConfig } from './schema.js';
import { applyEnv, isPlainObject } from './env.js';
import { ConfigError } from './error.js';

export { ConfigError };


/** Validates a raw configuration object; the error names every bad key with what was expected. */
export function resolveConfig(raw: unknown): FlowLensConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
      return `unknown key ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
    }
    return `${key}: ${issue.message}`;
  });
  return failWith(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

function failWith(message: string): never {
  throw new ConfigError(message);
}

/** Reads the YAML file (if any), overlays `FLOWLENS_…` variables, then overrides from code, and validates. */
export async function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigInput = {},
): Promise<FlowLensConfig> {
  let fromFile: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      return failWith(`cannot read configuration file ${path}: ${(error as Error).message}`);
    }
    try {
      fromFile = (parseYaml(text) as Record<string, unknown> | null) ?? {};
    } catch (error) {
      return failWith(`configuration file ${path} is not valid YAML: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      return failWith(`configuration file ${path} must hold a mapping of keys`);
    }
  }
  const merged = deepMerge(applyEnv(fromFile, env), overrides as Record<string, unknown>);
  return resolveConfig(merged);
}

function deepMerge(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const prev = out[key];
    out[key] =
      isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}
