import type { FindingCandidate } from '../model/finding.js';
import { isFailed, type RunRecord, type StepRecord } from '../model/workflow.js';
import type { AnalysisConfig, Thresholds } from './config.js';
import type { HeldIdentities } from './failures/held-identities.js';
import type { WallClock } from './wall-clock.js';

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

/** What every detector may read besides the workflow at hand; built once per pass. */
export interface AnalysisContext {
  nowMs: number;
  config: AnalysisConfig;
  thresholds: Thresholds;
  /** The clock schedules and seasons repeat by (`analysis.timeZone`). */
  clock: WallClock;
  /** What live failure findings are keyed on, from the store; absent, every outage takes its key from this pass alone. */
  held?: HeldIdentities;
}

/**
 * A detector turns one workflow's history into candidates; it keeps no state between passes. A pass looks at one
 * workflow at a time, so it holds one workflow's runs at once, and lets other work run between workflows.
 */
export interface Detector {
  name: string;
  perWorkflow(history: WorkflowHistory, ctx: AnalysisContext): FindingCandidate[];
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
    if (!isFailed(step.status)) continue;
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

/** The runs a workflow's history keeps: the settled ones, oldest first, the newest `maxRuns` of them. */
export function settledRuns(runs: readonly RunRecord[], maxRuns: number): RunRecord[] {
  const settled = runs.filter((run) => run.status !== 'running').sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  return settled.length > maxRuns ? settled.slice(settled.length - maxRuns) : settled;
}

/** Where a failed run's error originated, and its message. */
export function failureOf(run: RunRecord): { step?: StepRecord; message: string } {
  const step = originStep(run);
  return { step, message: failureMessage(run, step) };
}

/** A failed run as the template miner needs it: its message, and where it comes in the order the miner sees. */
export interface FailureNote {
  workflow: string;
  startMs: number;
  id: string;
  message: string;
}

/** The failed runs among `runs`, as notes. */
export function failureNotes(runs: readonly RunRecord[]): FailureNote[] {
  return runs.filter((run) => isFailed(run.status)).map((run) => ({ workflow: run.workflow, startMs: run.startMs, id: run.id, message: failureOf(run).message }));
}

export type FailureTemplates = ReadonlyMap<string, { templateId: string; template: string }>;

/**
 * The template of every failure message of a pass, from the notes of the window's failed runs. An online miner
 * generalises its templates as it learns: it is shown every distinct message first (by workflow, oldest first),
 * then asked again, so all failures of one pattern get the template as it stands after the whole window.
 */
export function failureTemplates(notes: FailureNote[], templateOf: TemplateOf): FailureTemplates {
  notes.sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : a.startMs - b.startMs || (a.id < b.id ? -1 : 1)));
  const distinct = [...new Set(notes.map((note) => note.message))];
  for (const m of distinct) templateOf(m);
  return new Map(distinct.map((m) => [m, templateOf(m)]));
}

/** A workflow's history from its settled runs (`settledRuns`); `templates` holds every failure's message. */
export function historyOf(workflow: string, runs: RunRecord[], templates: FailureTemplates): WorkflowHistory {
  const history: WorkflowHistory = { workflow, runs, failures: new Map() };
  for (const run of runs) {
    if (!isFailed(run.status)) continue;
    const { step, message } = failureOf(run);
    const { templateId, template } = templates.get(message)!;
    history.failures.set(run, { run, step, message, templateId, template });
  }
  return history;
}
