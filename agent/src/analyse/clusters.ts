/**
 * Problems of several workflows with one cause at one time become one finding: a downstream service failing them
 * all, a pool too short of workers for all of them. Items with the same cause whose active periods overlap are
 * grouped around the largest (all of them, without `periodOf`); an item without a cause stays alone. Deterministic
 * for items given in the same order.
 */
export function clusterByCause<T extends { workflow: string }>(
  items: readonly T[],
  causeOf: (item: T) => string | undefined,
  sizeOf: (item: T) => number,
  periodOf?: (item: T) => { fromMs: number; toMs: number },
): T[][] {
  const clusters: T[][] = [];
  const byCause = new Map<string, T[]>();
  for (const item of items) {
    const cause = causeOf(item);
    if (cause === undefined) {
      clusters.push([item]);
      continue;
    }
    let list = byCause.get(cause);
    if (!list) byCause.set(cause, (list = []));
    list.push(item);
  }
  for (const list of byCause.values()) {
    const remaining = [...list].sort((a, b) => sizeOf(b) - sizeOf(a));
    while (remaining.length > 0) {
      const lead = remaining.shift()!;
      const at = periodOf?.(lead);
      const cluster = [lead];
      for (let i = remaining.length - 1; i >= 0; i--) {
        const other = remaining[i]!;
        const period = periodOf?.(other);
        const overlaps = !at || !period || (period.fromMs <= at.toMs && at.fromMs <= period.toMs);
        if (overlaps && other.workflow !== lead.workflow) cluster.push(...remaining.splice(i, 1));
      }
      clusters.push(cluster);
    }
  }
  return clusters;
}
