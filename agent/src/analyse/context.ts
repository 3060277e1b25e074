import type { FindingCandidate } from '../model/finding.js';
import type { RunRecord, RunStatus, StepRecord } from '../model/workflow.js';
import type { AnalysisConfig, Thresholds } from './config.js';

export type TemplateOf = (message: string) => { templateId: string; template: string };

/** Why one run failed: its origin step and the mined template of its error message. */
export interface Failure {
  run: RunRecord;
  /** The deepest failing step; absent when the run failed without a failing step. */
  step?: StepRecord;
  message: string;
  templateId: string;
  template: string;
}

/** One workflow's settled runs, oldest first, capped to the newest `maxRunsPerWorkflow`. */
export interface WorkflowHistory {
  workflow: string;
  runs: RunRecord[];
  failures: Map<RunRecord, Failure>;
}

/** Everything a detector may read; built once per pass by the orchestrator. */
export interface AnalysisContext {
  nowMs: number;
  config: AnalysisConfig;
  thresholds: Thresholds;
  workflows: WorkflowHistory[];
}

/**
 * A detector turns the pass's context into candidates; it keeps no state between passes. One that looks at one
 * workflow at a time says so (`perWorkflow`), and the pass can let other work run between workflows.
 */
export type Detector =
  | { name: string; detect(ctx: AnalysisContext): FindingCandidate[] }
  | { name: string; perWorkflow(history: WorkflowHistory, ctx: AnalysisContext): FindingCandidate[] };

const failing: ReadonlySet<RunStatus> = new Set(['failure', 'error', 'timeout']);

export function isFailure(status: RunStatus): boolean {
  return failing.has(status);
}

/** Runs that ended in success or failure; cancelled, skipped, running and unknown runs say nothing about health. */
export function isDecided(status: RunStatus): boolean {
  return status === 'success' || failing.has(status);
}

/** The failing step deepest in the step tree (ties: the one that started first), where the error originated. */
export function originStep(run: RunRecord): StepRecord | undefined {
  const byId = new Map(run.steps.map((s) => [s.id, s]));
  const depth = (step: StepRecord): number => {
    let d = 0;
    for (let p = step.parentId; p !== undefined && d < 64; p = byId.get(p)?.parentId) d++;
    return d;
  };
  let best: StepRecord | undefined;
  let bestDepth = -1;
  for (const step of run.steps) {
    if (!isFailure(step.status)) continue;
    const d = depth(step);
    if (d > bestDepth || (d === bestDepth && step.startMs < best!.startMs)) {
      best = step;
      bestDepth = d;
    }
  }
  return best;
}

export function failureMessage(run: RunRecord, step: StepRecord | undefined): string {
  return step?.errorMessage ?? step?.errorType ?? run.errorMessage ?? run.errorType ?? `run ended with status ${run.status}`;
}

/** Groups runs by workflow once, keeps the newest settled runs, and mines each failure's template once per message. */
export function buildHistories(runs: readonly RunRecord[], templateOf: TemplateOf, maxRuns: number): WorkflowHistory[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    if (run.status === 'running') continue;
    let list = groups.get(run.workflow);
    if (!list) groups.set(run.workflow, (list = []));
    list.push(run);
  }
  const histories: WorkflowHistory[] = [];
  const pending: { history: WorkflowHistory; run: RunRecord; step?: StepRecord; message: string }[] = [];
  for (const workflow of [...groups.keys()].sort()) {
    const all = groups.get(workflow)!.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    const history: WorkflowHistory = { workflow, runs: all.length > maxRuns ? all.slice(all.length - maxRuns) : all, failures: new Map() };
    histories.push(history);
    for (const run of history.runs) {
      if (!isFailure(run.status)) continue;
      const step = originStep(run);
      pending.push({ history, run, step, message: failureMessage(run, step) });
    }
  }
  // An online miner generalises its templates as it learns: show it every distinct message first, then ask again,
  // so all failures of one pattern get the template as it stands after the whole window.
  const messages = [...new Set(pending.map((p) => p.message))];
  for (const m of messages) templateOf(m);
  const templates = new Map(messages.map((m) => [m, templateOf(m)]));
  for (const { history, run, step, message } of pending) {
    const { templateId, template } = templates.get(message)!;
    history.failures.set(run, { run, step, message, templateId, template });
  }
  return histories;
}
