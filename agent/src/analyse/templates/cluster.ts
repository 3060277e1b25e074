import { PARAM, isKey, render } from './masking.js';
import { templateId } from './template-id.js';

export interface Template {
  /** Hash of `text`. */
  id: string;
  tokens: string[];
  text: string;
  count: number;
}

export function newTemplate(tokens: string[], count: number): Template {
  const text = render(tokens);
  return { id: templateId(text), tokens, text, count };
}

export type Change = 'created' | 'updated' | 'none';

export interface ClusterHit {
  template: Template;
  change: Change;
  /** Templates this line generalised away, each with the id of the template that now holds its lines. */
  merged: Array<{ from: string; to: string }>;
}

export interface ClusterLimits {
  maxValuesPerPosition: number;
  maxValuesAfterKey: number;
  maxTemplatesPerCluster: number;
}

/**
 * A cluster holds lines of one length that agree on most positions (Drain's leaf cluster). Within it, a position
 * that has shown only a few distinct values keeps them as constants, one template per combination, because such
 * words (GET/POST, Started/Stopped) name different events; once a position has shown more values than the limit,
 * it is a variable and the templates differing there merge.
 */
export class Cluster {
  constructor(
    readonly id: string,
    /** Per position: the token all lines share, or PARAM where they differ. */
    readonly tokens: string[],
    /** Per position: distinct values seen with their counts, or null once the position is a variable. */
    readonly values: (Map<string, number> | null)[],
    readonly templates: Map<string, Template>,
    public count: number,
  ) {}

  static create(id: string, tokens: readonly string[]): Cluster {
    return new Cluster(id, [...tokens], tokens.map(() => new Map()), new Map(), 0);
  }

  /** Share of positions where the line repeats a value this cluster has seen there (Drain's simSeq). */
  similarity(tokens: readonly string[]): number {
    if (tokens.length === 0) return 1;
    let same = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (this.tokens[i] === t || this.values[i]?.has(t)) same++;
    }
    return same / tokens.length;
  }

  /** The known template this line belongs to, if any. */
  find(tokens: readonly string[]): Template | undefined {
    return this.templates.get(templateId(render(this.templateOf(tokens))));
  }

  add(tokens: readonly string[], limits: ClusterLimits): ClusterHit {
    let opened: number[] | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const seen = this.values[i];
      if (!seen) continue;
      const t = tokens[i]!;
      seen.set(t, (seen.get(t) ?? 0) + 1);
      const limit = i > 0 && isKey(tokens[i - 1]!) ? limits.maxValuesAfterKey : limits.maxValuesPerPosition;
      // A position that has held a masked value is a variable, whatever words it also held.
      if (seen.size > limit || (seen.size > 1 && holdsParam(seen))) (opened ??= []).push(i);
      else if (seen.size > 1) this.tokens[i] = PARAM;
    }
    this.count++;
    const moved = new Map<string, string>();
    if (opened) this.generalise(opened, moved);

    const own = this.templateOf(tokens);
    const text = render(own);
    let template = this.templates.get(templateId(text));
    const created = !template;
    if (!template) {
      template = { id: templateId(text), tokens: own, text, count: 0 };
      this.templates.set(template.id, template);
    }
    template.count++;
    // Bound the templates per cluster: generalise the position with the most values until under the limit.
    while (this.templates.size > limits.maxTemplatesPerCluster) {
      const busiest = this.busiestPosition();
      if (busiest < 0) break;
      this.generalise([busiest], moved);
      template = this.find(tokens)!;
    }
    const merged = moved.size > 0 ? [...moved].map(([from, to]) => ({ from, to })) : [];
    const change: Change = merged.length > 0 ? 'updated' : created ? 'created' : 'none';
    return { template, change, merged };
  }

  /** The line's template: its own tokens, with PARAM where this cluster has a variable. */
  templateOf(tokens: readonly string[]): string[] {
    const out = new Array<string>(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.values[i] ? tokens[i]! : PARAM;
    return out;
  }

  private busiestPosition(): number {
    let best = -1;
    let most = 1;
    this.values.forEach((seen, i) => {
      if (seen && seen.size > most) {
        most = seen.size;
        best = i;
      }
    });
    return best;
  }

  /** Makes the positions variables and merges the templates that differed only there; records old → new ids. */
  private generalise(positions: readonly number[], moved: Map<string, string>): void {
    for (const i of positions) {
      this.values[i] = null;
      this.tokens[i] = PARAM;
    }
    for (const old of [...this.templates.values()]) {
      const general = newTemplate(this.templateOf(old.tokens), old.count);
      if (general.id === old.id) continue;
      this.templates.delete(old.id);
      for (const [from, to] of moved) if (to === old.id) moved.set(from, general.id);
      moved.set(old.id, general.id);
      const into = this.templates.get(general.id);
      if (into) into.count += old.count;
      else this.templates.set(general.id, general);
    }
  }
}

function holdsParam(values: Map<string, number>): boolean {
  for (const v of values.keys()) if (v.includes(PARAM)) return true;
  return false;
}
