import { Cluster, type ClusterHit, type Template } from './cluster.js';
import { PARAM, render } from './masking.js';
import type { MinerOptions } from './options.js';
import { templateId } from './template-id.js';

/**
 * Drain's search structure, I/O-free: clusters are grouped by token count and first token (Drain's fixed-depth
 * prefix tree, flattened into one map key), a line joins the most similar cluster of its group when similar
 * enough, else starts a new one. Clusters live in an LRU: beyond `maxClusters` the least recently fed is dropped.
 */
export class Drain {
  private readonly groups = new Map<string, Cluster[]>();
  /** Insertion order is recency order: the first entry is the least recently fed cluster. */
  private readonly lru = new Map<string, Cluster>();

  constructor(private readonly options: MinerOptions) {}

  add(tokens: readonly string[]): ClusterHit {
    const key = groupKey(tokens);
    let group = this.groups.get(key);
    let cluster = group && this.mostSimilar(group, tokens);
    if (cluster) {
      this.lru.delete(cluster.id);
    } else {
      cluster = Cluster.create(this.freshId(tokens), tokens);
      if (!group) this.groups.set(key, (group = []));
      group.push(cluster);
    }
    this.lru.set(cluster.id, cluster);
    if (this.lru.size > this.options.maxClusters) this.evictOldest();
    return cluster.add(tokens, this.options);
  }

  /** The known template of a line, without learning from it. */
  match(tokens: readonly string[]): Template | undefined {
    let best: Template | undefined;
    let bestScore = -1;
    for (const cluster of this.groups.get(groupKey(tokens)) ?? []) {
      const found = cluster.find(tokens);
      if (!found) continue;
      const score = cluster.similarity(tokens);
      if (score > bestScore) {
        best = found;
        bestScore = score;
      }
    }
    return best;
  }

  /** Clusters from least to most recently fed. */
  clusters(): IterableIterator<Cluster> {
    return this.lru.values();
  }

  /** Puts back a restored cluster as the most recently fed. */
  load(cluster: Cluster): void {
    if (this.lru.has(cluster.id)) throw new TypeError(`template state ${cluster.id}: duplicate cluster id`);
    const key = groupKey(cluster.tokens);
    const group = this.groups.get(key);
    if (group) group.push(cluster);
    else this.groups.set(key, [cluster]);
    this.lru.set(cluster.id, cluster);
    if (this.lru.size > this.options.maxClusters) this.evictOldest();
  }

  private mostSimilar(group: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestScore = this.options.similarity;
    for (const cluster of group) {
      const score = cluster.similarity(tokens);
      if (score > bestScore || (score === bestScore && (!best || cluster.count > best.count))) {
        best = cluster;
        bestScore = score;
      }
    }
    return best;
  }

  /** The id of the line that starts a cluster; a suffix only if an evicted look-alike left the same id in use. */
  private freshId(tokens: readonly string[]): string {
    const text = render(tokens);
    let id = templateId(text);
    for (let n = 1; this.lru.has(id); n++) id = templateId(`${text}\u0000${n}`);
    return id;
  }

  private evictOldest(): void {
    const oldest = this.lru.values().next().value;
    if (!oldest) return;
    this.lru.delete(oldest.id);
    const key = groupKey(oldest.tokens);
    const group = this.groups.get(key)!;
    group.splice(group.indexOf(oldest), 1);
    if (group.length === 0) this.groups.delete(key);
  }
}

/**
 * Token count and first token: Drain's first two tree levels; a first token holding a masked value counts as a
 * variable. The key of a cluster never changes.
 */
function groupKey(tokens: readonly string[]): string {
  const first = tokens[0] ?? '';
  return `${tokens.length} ${first.includes(PARAM) ? PARAM : first}`;
}
