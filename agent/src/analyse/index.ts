import type { FindingCandidate, Severity } from '../model/finding.js';
import type { RunRecord } from '../model/workflow.js';
import { anomalyDetector } from './anomaly/detector.js';
import { workflowScores } from './anomaly/scores.js';
import { defaultThresholds, type AnalysisConfig } from './config.js';
import { buildHistories, type AnalysisContext, type Detector, type TemplateOf } from './context.js';
import { failureDetector } from './failures/detector.js';
import { healthOf, type HealthReport } from './health.js';
import { ruleDetector } from './rules/detector.js';
import { passSlos, sloDetector } from './slo/detector.js';
import type { SloReport } from './slo/report.js';
import { passCadences, stalledDetector } from './stalled/detector.js';
import { trendDetector } from './trend/detector.js';

export type { AnalysisConfig, RuleConfig, RuleMetric, RuleCondition, SloConfig, Thresholds } from './config.js';
export { defaultThresholds, parseDuration } from './config.js';
export type { Detector, TemplateOf } from './context.js';
export type { HealthFactor, HealthReport, HealthStatus } from './health.js';
export type { BurnWindow, SloReport, SloState } from './slo/report.js';
export { burnWindows } from './slo/report.js';
export { isCoolingDown, ruleName } from './rules/detector.js';
export { workflowFigures, type WorkflowFigures } from './rules/figures.js';
export { recommend, type RecommendationInput } from './recommendations.js';
export { createSession, verifySession } from './sessions.js';
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

export interface AnalysisOutput {
  /** Ordered by severity, then fingerprint. */
  candidates: FindingCandidate[];
  health: Map<string, HealthReport>;
  slos: SloReport[];
  /** Per workflow: the latest run's isolation-forest score (0–1). */
  anomalyScores: Map<string, number>;
  /** Per scheduled workflow: the learnt expected interval in seconds. */
  cadences: Map<string, number>;
}

/** The detectors, in the order their findings are listed for equal severity. */
export const detectors: readonly Detector[] = [failureDetector, anomalyDetector, trendDetector, sloDetector, stalledDetector, ruleDetector];

const severityOrder: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** One analysis pass: pure and deterministic for the same input. */
export function analyse(input: AnalysisInput): AnalysisOutput {
  const steps = analysisSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The pass of `analyse` in steps of a few milliseconds to a few hundred (at 100k runs): it yields between the
 * workflows of a detector that looks at one at a time (the isolation forests are most of a pass) and between
 * detectors, so that a caller on the event loop can let other work (senders' requests) run in between. The
 * result is the same as `analyse`'s.
 */
export function* analysisSteps(input: AnalysisInput): Generator<void, AnalysisOutput> {
  const thresholds = { ...defaultThresholds, ...input.config.thresholds };
  const ctx: AnalysisContext = {
    nowMs: input.nowMs,
    config: input.config,
    thresholds,
    workflows: buildHistories(input.runs, input.templateOf, thresholds.maxRunsPerWorkflow),
  };
  yield;
  const found: FindingCandidate[] = [];
  for (const detector of detectors) {
    if ('perWorkflow' in detector) {
      for (const history of ctx.workflows) {
        for (const candidate of detector.perWorkflow(history, ctx)) found.push(candidate);
        yield;
      }
    } else {
      for (const candidate of detector.detect(ctx)) found.push(candidate);
      yield;
    }
  }
  const candidates = found.sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity] || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
  );
  const slos = passSlos(ctx).map((e) => e.report);
  const cadences = passCadences(ctx);
  const anomalyScores = new Map<string, number>();
  const health = new Map<string, HealthReport>();
  for (const history of ctx.workflows) {
    const latest = workflowScores(history, ctx)?.latest;
    if (latest !== undefined) anomalyScores.set(history.workflow, latest);
    health.set(
      history.workflow,
      healthOf({
        history,
        nowMs: ctx.nowMs,
        thresholds,
        candidates: candidates.filter((c) => c.workflow === history.workflow || c.workflows?.includes(history.workflow)),
        slos: slos.filter((s) => s.workflow === history.workflow),
        anomalyScore: latest,
        cadenceMs: cadences.get(history.workflow),
      }),
    );
  }
  return {
    candidates,
    health,
    slos,
    anomalyScores,
    cadences: new Map([...cadences].map(([w, ms]) => [w, ms / 1000])),
  };
}
