import type { StepRecord } from './workflow.js';

/**
 * Names of the steps enclosing `step` in its run, outermost first: the job of a matrix around its steps. A cycle of
 * parents (a runner's bad ids) ends the walk.
 */
export function enclosingNames(step: StepRecord, stepOf: (id: string) => StepRecord | undefined): string[] {
  const path: string[] = [];
  const visited = new Set<string>([step.id]);
  for (let parent = step.parentId; parent !== undefined && !visited.has(parent); ) {
    const enclosing = stepOf(parent);
    if (!enclosing) break;
    visited.add(parent);
    path.unshift(enclosing.name);
    parent = enclosing.parentId;
  }
  return path;
}
