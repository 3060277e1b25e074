import type { TemplateMiner, TemplateState } from '../analyse/templates/index.js';
import type { TemplateMerge, TemplateRef } from '../store/store.js';

/**
 * The agent's one template miner. When a new line generalises a template, the old template id is retired in
 * favour of the new one; those merges are kept until the next write so the store can re-key what it counted.
 */
export class TemplateTracker {
  private merges: TemplateMerge[] = [];
  /**
   * Each id retired since the agent started and the template it now belongs to (one hop, as the store keeps its
   * aliases): the store learns of a merge only with the next write, and an analysis pass may come first.
   */
  private readonly successors = new Map<string, string>();

  constructor(private readonly miner: TemplateMiner) {}

  /** Learns the line and returns its template. */
  add(message: string): TemplateRef {
    const match = this.miner.add(message);
    if (match.merged) {
      this.merges.push(...match.merged);
      for (const { from, to } of match.merged) this.retire(from, to);
    }
    return { templateId: match.templateId, template: match.template };
  }

  /** The id the template is counted under now, as far as the merges since the agent started go. */
  current(templateId: string): string {
    return this.successors.get(templateId) ?? templateId;
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

  private retire(from: string, to: string): void {
    if (from === to) return;
    // Merges are rare (a template generalises a few times at most): a walk over the earlier ones is cheap.
    for (const [earlier, successor] of this.successors) if (successor === from) this.successors.set(earlier, to);
    this.successors.set(from, to);
  }

  snapshot(): TemplateState[] {
    return this.miner.snapshot();
  }
}
