import { Drain } from './drain.js';
import { createMasker, type Masker } from './masking.js';
import { resolveOptions, type MinerOptions } from './options.js';
import { fromState, toState, type TemplateState } from './state.js';

export interface TemplateMatch {
  /** Hash of the template text: the same template has the same id in every process and after restarts. */
  templateId: string;
  template: string;
  change: 'created' | 'updated' | 'none';
  /** With `updated`: ids of the templates this line's template replaced (they were generalised into it). */
  previousIds?: string[];
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
    const hit = this.drain.add(this.mask(message));
    const match: TemplateMatch = { templateId: hit.template.id, template: hit.template.tokens.join(' '), change: hit.change };
    if (hit.previousIds.length > 0) match.previousIds = hit.previousIds;
    return match;
  }

  /** Classifies the message among the templates learnt so far, without learning; undefined if none fits. */
  match(message: string): TemplateMatch | undefined {
    const found = this.drain.match(this.mask(message));
    return found && { templateId: found.id, template: found.tokens.join(' '), change: 'none' };
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
