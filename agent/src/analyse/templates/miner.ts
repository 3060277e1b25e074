import { Drain } from './drain.js';
import { PARAM, createMasker, type Masker } from './masking.js';
import { resolveOptions, type MinerOptions } from './options.js';
import { fromState, toState, type TemplateState } from './state.js';

export interface TemplateMatch {
  /** Hash of the template text: the same template has the same id in every process and after restarts. */
  templateId: string;
  template: string;
  /** `created`: a template not seen before; `updated`: this line generalised templates (see `merged`). */
  change: 'created' | 'updated' | 'none';
  /**
   * With `updated`: every template that no longer exists, with the id of the more general template that now
   * holds its lines (so a store can move its counts over).
   */
  merged?: Array<{ from: string; to: string }>;
}

export interface TemplateSummary {
  templateId: string;
  template: string;
  /** Lines learnt into this template (including those of the templates merged into it). */
  count: number;
}

/**
 * Online template miner: masks a message, finds or starts its cluster, and answers with the line's template.
 * Memory stays bounded by `maxClusters`, however many distinct lines arrive.
 */
export class TemplateMiner {
  private readonly options: MinerOptions;
  private readonly mask: Masker;
  private readonly drain: Drain;

  constructor(options?: Partial<MinerOptions>) {
    this.options = resolveOptions(options);
    this.mask = createMasker(this.options.maskRules);
    this.drain = new Drain(this.options);
  }

  /** Learns from the message and classifies it. */
  add(message: string): TemplateMatch {
    const hit = this.drain.add(this.tokens(message));
    const match: TemplateMatch = { templateId: hit.template.id, template: hit.template.text, change: hit.change };
    if (hit.merged.length > 0) match.merged = hit.merged;
    return match;
  }

  /** Classifies the message among the templates learnt so far, without learning; undefined if none fits. */
  match(message: string): TemplateMatch | undefined {
    const found = this.drain.match(this.tokens(message));
    return found && { templateId: found.id, template: found.text, change: 'none' };
  }

  /** Every template currently known, least recently used cluster first. */
  templates(): TemplateSummary[] {
    // Two clusters can generalise to the same template; it is one template, so their counts add up.
    const byId = new Map<string, TemplateSummary>();
    for (const cluster of this.drain.clusters()) {
      for (const t of cluster.templates.values()) {
        const seen = byId.get(t.id);
        if (seen) seen.count += t.count;
        else byId.set(t.id, { templateId: t.id, template: t.text, count: t.count });
      }
    }
    return [...byId.values()];
  }

  private tokens(message: string): string[] {
    const tokens = this.mask(message);
    const max = this.options.maxTokens;
    if (tokens.length <= max) return tokens;
    tokens.length = max;
    tokens[max - 1] = PARAM;
    return tokens;
  }

  /** The whole state as explicit rows, least recently used cluster first. */
  snapshot(): TemplateState[] {
    return [...this.drain.clusters()].map(toState);
  }

  static restore(rows: readonly TemplateState[], options?: Partial<MinerOptions>): TemplateMiner {
    const miner = new TemplateMiner(options);
    for (const row of rows) miner.drain.load(fromState(row));
    return miner;
  }
}
