import { basename, dirname, extname, join } from 'node:path';
import type { FlowLensConfig } from '../config/schema.js';

/** '' is the default tenant: data sent without a tenant-bound token. */
export const DEFAULT_TENANT = '';

/** Every tenant named by a token, plus the default one. */
export function tenantsOf(config: FlowLensConfig): string[] {
  const named = [...config.auth.ingestTokens, ...config.auth.apiTokens].flatMap((entry) => (entry.tenant ? [entry.tenant] : []));
  return [DEFAULT_TENANT, ...new Set(named)];
}

/** `data/flowlens.db` → `data/flowlens.<tenant>.db`: one SQLite file per tenant beside the default one. */
export function storePathOf(path: string, tenant: string): string {
  if (tenant === DEFAULT_TENANT || path === ':memory:') return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.${tenant}${ext || '.db'}`);
}
