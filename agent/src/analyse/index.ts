import type { RunRecord } from '../model/workflow.js';
import type { AnalysisConfig } from './config.js';
import { failureNotes, failureTemplates, type TemplateOf } from './context.js';
import { AnalysisPass, type AnalysisOutput } from './pass.js';

export type { AnalysisConfig, RuleConfig, RuleMetric, RuleCondition, SloConfig, Thresholds } from './config.js';
export { CLEAR_AFTER_RUNS, defaultThresholds, parseDuration, thresholdsOf } from './config.js';
export type { Detector, TemplateOf } from './context.js';
export { failureNotes, failureTemplates, type FailureNote } from './context.js';
export { AnalysisPass, type AnalysisOutput } from './pass.js';
export { FAILURE_KINDS, heldIdentities } from './failures/held-identities.js';
export type { HealthFactor, HealthReport, HealthStatus } from './health.js';
export type { BurnWindow, SloReport, SloState } from './slo/report.js';
export { burnWindows } from './slo/report.js';
export { workflowFigures, type WorkflowFigures } from './rules/figures.js';
export { recommend, type RecommendationInput } from './recommendations.js';
export { createSession, verifySession } from './sessions.js';
export { runItems } from './correlation/attributes.js';
export { compareRuns, describeComparison, EARLIER_SUCCESSES, errorText, measuredMs, successesBefore, type AttributeChange, type RunComparison, type StepChange } from './run-comparison.js';
export type { Hypothesis, Session, SessionInput, SessionPhase, Verification, VerificationCriteria } from './sessions.js';

export interface AnalysisInput {
  /** Event-time "now": the end of the newest run seen (never the wall clock), so replayed data is analysed as it happened. */
  nowMs: number;
  /** Every run of the analysis window, all workflows, any order; steps included. */
  runs: readonly RunRecord[];
  /** Error message → template (the template miner's `add`); called twice per distinct failure message per pass. */
  templateOf: TemplateOf;
  config: AnalysisConfig;
}

/** One analysis pass over runs held in memory: pure and deterministic for the same input. */
export function analyse(input: AnalysisInput): AnalysisOutput {
  const byWorkflow = new Map<string, RunRecord[]>();
  for (const run of input.runs) {
    const runs = byWorkflow.get(run.workflow);
    if (runs) runs.push(run);
    else byWorkflow.set(run.workflow, [run]);
  }
  const pass = new AnalysisPass(input.nowMs, input.config, failureTemplates(failureNotes(input.runs), input.templateOf));
  for (const workflow of [...byWorkflow.keys()].sort()) for (const _ of pass.workflow(workflow, byWorkflow.get(workflow)!));
  return pass.finish();
}
