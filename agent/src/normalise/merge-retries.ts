import type { Downstream, StepRecord } from '../model/workflow.js';
import { mergeDownstream, sortDownstream } from './downstream.js';

/** Tries of one task (same parent, same name) become one step: the latest try, with every try's spans and waits. */
export function mergeRetries(steps: StepRecord[]): StepRecord[] {
  const groups = new Map<string, StepRecord[]>();
  for (const step of steps) {
    const key = `${step.parentId ?? ''}\n${step.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [step]);
    else group.push(step);
  }
  if (groups.size === steps.length) return steps;
  const replaced = new Map<string, string>();
  const merged: StepRecord[] = [];
  for (const step of steps) {
    const group = groups.get(`${step.parentId ?? ''}\n${step.name}`)!;
    if (group.length === 1) {
      merged.push(step);
      continue;
    }
    if (group[0] !== step) continue;
    const tries = [...group].sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0) || a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    const latest = tries[tries.length - 1]!;
    const startMs = Math.min(...tries.map((t) => t.startMs));
    const endMs = Math.max(...tries.map((t) => t.endMs));
    const downstream: Downstream[] = [];
    for (const t of tries) for (const d of t.downstream) mergeDownstream(downstream, d);
    for (const t of tries) if (t !== latest) replaced.set(t.id, latest.id);
    // Each try waited for a worker again: the step's wait is all of them, placed as its first try's was.
    const waits = tries.filter((t) => t.queueMs !== undefined);
    const { queueWithin: _latestWithin, ...rest } = latest;
    merged.push({
      ...rest,
      ...(waits.length > 0 && { queueMs: waits.reduce((n, t) => n + t.queueMs!, 0) }),
      ...(waits[0]?.queueWithin && { queueWithin: true }),
      startMs,
      endMs,
      durationMs: endMs - startMs,
      attempt: Math.max(latest.attempt ?? 0, tries.length),
      downstream: sortDownstream(downstream),
      spanIds: tries.flatMap((t) => t.spanIds),
    });
  }
  for (const step of merged) {
    const parent = step.parentId !== undefined ? replaced.get(step.parentId) : undefined;
    if (parent !== undefined) step.parentId = parent;
  }
  return merged;
}
