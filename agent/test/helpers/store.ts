import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/index.js';
import type { TemplateOf, TraceModeller, WriteResult } from '../../src/store/store.js';

export const templateOf: TemplateOf = (message) => ({ templateId: 't', template: message });

/** Real store files in temp folders: `open` a new one (or the one at `path` again), `closeAll` after each test. */
export function tempStores(prefix: string) {
  const dirs: string[] = [];
  const stores: SqliteStore[] = [];
  return {
    open(path?: string, options?: SqliteStoreOptions): { store: SqliteStore; path: string } {
      const file = path ?? join(dirs[dirs.push(mkdtempSync(join(tmpdir(), `flowlens-${prefix}-`))) - 1]!, 'store.db');
      const store = new SqliteStore(file, options);
      stores.push(store);
      return { store, path: file };
    },
    async closeAll(): Promise<void> {
      for (const store of stores.splice(0)) if (store.db.open) await store.close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes copies of the spans (the store takes over the objects it is given) in one batch. */
export function writeSpans(store: SqliteStore, spans: OtlpSpan[], model: TraceModeller = modelTrace): WriteResult {
  return store.write({ spans: spans.map((s) => ({ ...s })), logs: [], logTemplates: [], templateMerges: [] }, model, templateOf);
}
