import type { TemplateMiner, TemplateState } from '../analyse/templates/index.js';
import type { TemplateMerge, TemplateRef } from '../store/store.js';

/**
 * The agent's one template miner. When a new line generalises a template, the old template id is retired in
 * favour of the new one; those merges are kept until the next write so the store can re-key what it counted.
 */
export class TemplateTracker {
  private merges: TemplateMerge[] = [];

  constructor(private readonly miner: TemplateMiner) {}

  /** Learns the line and returns its template. */
  add(message: string): TemplateRef {
    const match = this.miner.add(message);
    if (match.merged) this.merges.push(...match.merged);
    return { templateId: match.templateId, template: match.template };
  }

  /** The template of a line already learnt, learning it only if it is new. */
  of(message: string): TemplateRef {
    const known = this.miner.match(message);
    return known ? { templateId: known.templateId, template: known.template } : this.add(message);
  }

  takeMerges(): TemplateMerge[] {
    const merges = this.merges;
    this.merges = [];
    return merges;
  }

  snapshot(): TemplateState[] {
    return this.miner.snapshot();
  }
}
