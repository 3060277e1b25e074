import { isFailed, type StepRecord } from '../model/workflow.js';

/**
 * The steps of a run worth listing when it has more than `limit`: half of `limit` that started first and half
 * that started last (how the run began, and where it is now: a hung run's last step), every failed step, and the
 * steps enclosing those, so that each can be placed in the run's tree. A long workflow's run (thousands of
 * activities or mapped tasks) is otherwise megabytes to send and seconds to draw, most of it steps that went
 * well. Kept in the run's own order.
 */
export function listedSteps(steps: readonly StepRecord[], limit: number): readonly StepRecord[] {
  if (steps.length <= limit) return steps;
  const byStart = steps.map((_, i) => i).sort((a, b) => steps[a]!.startMs - steps[b]!.startMs || a - b);
  const listed = new Set<StepRecord>();
  const first = Math.ceil(limit / 2);
  for (let i = 0; i < first; i++) listed.add(steps[byStart[i]!]!);
  for (let i = steps.length - (limit - first); i < steps.length; i++) listed.add(steps[byStart[i]!]!);
  for (const step of steps) if (isFailed(step.status)) listed.add(step);
  const byId = new Map(steps.map((step) => [step.id, step]));
  // A Set's iteration reaches the steps added during it; each of those stops at once, as the walk that added it
  // went on to its own enclosing steps.
  for (const step of listed) {
    for (let parent = byId.get(step.parentId!); parent && !listed.has(parent); parent = byId.get(parent.parentId!)) {
      listed.add(parent);
    }
  }
  return steps.filter((step) => listed.has(step));
}
