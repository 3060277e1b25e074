/**
 * Grouping Accuracy (Zhu et al., ICSE 2019; logparser `utils/evaluator.py`, get_accuracy): a line counts as right
 * only when the group the parser put it in holds exactly the lines of its true group. Returns right / all.
 */
export function groupingAccuracy(truth: readonly string[], parsed: readonly string[]): number {
  if (truth.length !== parsed.length) throw new RangeError('truth and parsed must label the same lines');
  if (truth.length === 0) return 1;
  const trueSize = new Map<string, number>();
  for (const t of truth) trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  parsed.forEach((p, i) => {
    const g = groups.get(p);
    if (g) g.push(i);
    else groups.set(p, [i]);
  });
  let right = 0;
  for (const lines of groups.values()) {
    const t = truth[lines[0]!]!;
    if (trueSize.get(t) === lines.length && lines.every((i) => truth[i] === t)) right += lines.length;
  }
  return right / truth.length;
}
