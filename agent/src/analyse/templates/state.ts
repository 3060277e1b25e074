import { Cluster, newTemplate, type Template } from './cluster.js';

export const TEMPLATE_STATE_VERSION = 1;

/** One cluster as a plain, JSON-able row: what a store saves and `TemplateMiner.restore` reads back. */
export interface TemplateState {
  version: typeof TEMPLATE_STATE_VERSION;
  /** Id of the cluster (the template id of the line that started it). */
  id: string;
  /** Tokens shared by all lines of the cluster, `<*>` where they differ. */
  tokens: string[];
  /** Per position: the distinct values seen with their counts, or null where the position is a variable. */
  values: Array<Array<[string, number]> | null>;
  templates: Array<{ id: string; tokens: string[]; count: number }>;
  /** Lines the cluster has absorbed. */
  count: number;
}

export function toState(cluster: Cluster): TemplateState {
  return {
    version: TEMPLATE_STATE_VERSION,
    id: cluster.id,
    tokens: [...cluster.tokens],
    values: cluster.values.map((seen) => (seen ? [...seen] : null)),
    templates: [...cluster.templates.values()].map((t) => ({ id: t.id, tokens: [...t.tokens], count: t.count })),
    count: cluster.count,
  };
}

/** Checks a row read from storage (external input) and rebuilds its cluster; throws on anything malformed. */
export function fromState(row: unknown): Cluster {
  const r = row as Partial<TemplateState> | null;
  const where = `template state ${typeof r?.id === 'string' ? r.id : '?'}`;
  if (typeof r !== 'object' || r === null) throw new TypeError('template state row must be an object');
  if (r.version !== TEMPLATE_STATE_VERSION) throw new TypeError(`${where}: unsupported version ${String(r.version)}`);
  if (typeof r.id !== 'string' || !isStrings(r.tokens) || !isCount(r.count) || !Array.isArray(r.values)) {
    throw new TypeError(`${where}: malformed row`);
  }
  if (r.values.length !== r.tokens.length) throw new TypeError(`${where}: values and tokens differ in length`);
  const values = r.values.map((seen) => {
    if (seen === null) return null;
    if (!Array.isArray(seen) || !seen.every((e) => Array.isArray(e) && typeof e[0] === 'string' && isCount(e[1]))) {
      throw new TypeError(`${where}: malformed values`);
    }
    return new Map(seen);
  });
  if (!Array.isArray(r.templates)) throw new TypeError(`${where}: malformed templates`);
  const templates = new Map<string, Template>();
  for (const t of r.templates) {
    if (typeof t?.id !== 'string' || !isStrings(t.tokens) || t.tokens.length !== r.tokens.length || !isCount(t.count)) {
      throw new TypeError(`${where}: malformed template`);
    }
    const template = newTemplate([...t.tokens], t.count);
    if (template.id !== t.id) throw new TypeError(`${where}: template ${t.id} does not match its tokens`);
    templates.set(t.id, template);
  }
  return new Cluster(r.id, [...r.tokens], values, templates, r.count);
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}
