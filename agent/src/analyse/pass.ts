import { severityOrder, type FindingCandidate } from '../model/finding.js';
import type { RunRecord } from '../model/workflow.js';
import { anomalyDetector } from './anomaly/detector.js';
import { workflowScores } from './anomaly/scores.js';
import { thresholdsOf, type AnalysisConfig } from './config.js';
import { historyOf, settledRuns, type AnalysisContext, type Detector, type FailureTemplates } from './context.js';
import { failureCandidates, failureProblems, type Problem } from './failures/detector.js';
import type { HeldIdentities } from './failures/held-identities.js';
import { flakyCandidates } from './flaky/detector.js';
import { foldRetryCosts } from './flaky/retry-cost.js';
import { PoolDemand } from './queue/demand.js';
import { queueCandidates, queueShift, type QueueShift } from './queue/detector.js';
import { healthBasis, healthOf, type HealthBasis, type HealthReport } from './health.js';
import { ruleDetector } from './rules/detector.js';
import { sloCandidate } from './slo/detector.js';
import { outcomesOf, type CountOutcomes } from './slo/outcomes.js';
import { evaluateSlo, sloNames, type SloReport } from './slo/report.js';
import { learnCadence } from './stalled/cadence.js';
import { stalledCandidates } from './stalled/detector.js';
import { heldSchedule } from './stalled/held-schedule.js';
import { hungCandidates } from './stalled/hung.js';
import { trendDetector } from './trend/detector.js';
import { wallClock } from './wall-clock.js';

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

/** The detectors that need nothing but the workflow at hand; failures, SLOs and stalls also feed the output. */
const detectors: readonly Detector[] = [anomalyDetector, trendDetector, ruleDetector];


/** What the pass keeps of a workflow once its runs are let go. */
interface WorkflowDigest {
  basis: HealthBasis | undefined;
  anomalyScore: number | undefined;
  cadenceMs: number | undefined;
}

/**
 * One analysis pass, a workflow at a time: each workflow's runs are analysed in steps of a few milliseconds (the
 * isolation forests are most of it) and let go, keeping only candidates and small summaries, so a pass holds one
 * workflow's runs at once however many workflows there are. Error patterns of several workflows with one cause
 * are merged, and health is scored, at the end. Pure and deterministic for the same workflows given in the same
 * order with the same failure templates and held identities.
 */
export class AnalysisPass {
  private readonly ctx: AnalysisContext;
  private readonly problems: Problem[] = [];
  private readonly queues: QueueShift[] = [];
  private readonly demand = new PoolDemand();
  private readonly found: FindingCandidate[] = [];
  /**
   * By the index of the SLO in the config; an SLO whose workflow has no runs in the pass is evaluated at the end,
   * without a finding (the pass holds none of its runs to show).
   */
  private readonly slos: (SloReport | undefined)[];
  private readonly sloNames: string[];
  private readonly workflows = new Map<string, WorkflowDigest>();

  /**
   * `templates`: the template of every failure message of the pass (`failureTemplates`). `countOutcomes`: the
   * store's counts of a workflow's runs, which SLOs are judged on over their whole windows; without it, SLOs count
   * the runs given to `workflow`. `held`: what the live failure findings are keyed on (`heldIdentities`).
   */
  constructor(
    nowMs: number,
    config: AnalysisConfig,
    private readonly templates: FailureTemplates,
    private readonly countOutcomes?: CountOutcomes,
    held?: HeldIdentities,
  ) {
    this.ctx = { nowMs, config, thresholds: thresholdsOf(config), clock: wallClock(config.timeZone), ...(held && { held }) };
    this.slos = (config.slos ?? []).map(() => undefined);
    this.sloNames = sloNames(config.slos ?? []);
  }

  /** Analyses one workflow's runs (any order, each workflow once), yielding between steps. */
  *workflow(workflow: string, runs: readonly RunRecord[]): Generator<void> {
    const ctx = this.ctx;
    const settled = settledRuns(runs, ctx.thresholds.maxRunsPerWorkflow);
    if (settled.length === 0) return;
    const history = historyOf(workflow, settled, this.templates);
    // A flaky step's failures are its finding's: the error pattern it fails with is not reported again. Unless an
    // attribute explains that pattern since it began (a tenant, a release): then it is a correlation, and the step
    // no flakier than its input. Another pattern of the same step (a new error, every run) is reported either way.
    const flaky = new Map<string, FindingCandidate>();
    for (const candidate of flakyCandidates(history, ctx)) {
      if (candidate) flaky.set(`${candidate.rootCause.step}\n${candidate.evidence.details?.['templateId']}`, candidate);
      yield;
    }
    for (const problem of failureProblems(history, ctx)) {
      const key = `${problem.group.step}\n${problem.group.templateId}`;
      if (problem.explanations.length > 0) flaky.delete(key);
      if (problem.explanations.length > 0 || !flaky.has(key)) this.problems.push(problem);
      yield;
    }
    const waiting = queueShift(history, ctx);
    if (waiting) this.queues.push(waiting);
    // Capped when the runs read were: running ones among them count, though the history leaves them out.
    this.demand.add(workflow, history.runs, runs.length >= ctx.thresholds.maxRunsPerWorkflow || settled.length >= ctx.thresholds.maxRunsPerWorkflow);
    yield;
    const detected: FindingCandidate[] = [];
    for (const detector of detectors) {
      detected.push(...detector.perWorkflow(history, ctx));
      yield;
    }
    // A slowdown of a step in the runs that retried it is those retries' cost: one finding, the retries'.
    this.found.push(...foldRetryCosts([...flaky.values()], detected, history.runs, ctx.thresholds.minAffectedRuns));
    const slos = ctx.config.slos ?? [];
    for (let i = 0; i < slos.length; i++) {
      if (slos[i]!.workflow !== workflow) continue;
      const evaluation = evaluateSlo(slos[i]!, this.sloNames[i]!, this.countOutcomes ?? ((query) => outcomesOf(runs, query)), ctx.nowMs);
      this.slos[i] = evaluation.report;
      const candidate = sloCandidate(evaluation, history);
      if (candidate) this.found.push(candidate);
      // Counting a 30-day window of a busy workflow in the store takes tens of milliseconds: one SLO at a time.
      yield;
    }
    const running = runs.filter((run) => run.status === 'running');
    const cadenceMs = learnCadence(history.runs);
    const stalled = cadenceMs !== undefined ? stalledCandidates(history, running, cadenceMs, ctx) : [];
    this.found.push(...heldSchedule(hungCandidates(history, running, ctx), stalled));
    this.workflows.set(workflow, { basis: healthBasis(history, running, ctx.nowMs, ctx.thresholds), anomalyScore: workflowScores(history, ctx)?.latest, cadenceMs });
  }

  /**
   * The pass's output once every workflow has been given. `keptResolved`: the candidates whose finding stays
   * resolved (by hand, with nothing new since), which a workflow's health does not count: its page would say it is
   * unhealthy for a finding its list no longer shows.
   */
  finish(keptResolved: (candidates: readonly FindingCandidate[]) => Set<string> = () => new Set()): AnalysisOutput {
    const { nowMs, config } = this.ctx;
    const candidates = [...failureCandidates(this.problems, this.ctx), ...queueCandidates(this.queues, this.demand), ...this.found].sort(
      (a, b) => severityOrder[a.severity] - severityOrder[b.severity] || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
    );
    const count = this.countOutcomes ?? ((query) => outcomesOf([], query));
    const slos = this.slos.map((report, i) => report ?? evaluateSlo(config.slos![i]!, this.sloNames[i]!, count, nowMs).report);
    const anomalyScores = new Map<string, number>();
    const cadences = new Map<string, number>();
    const health = new Map<string, HealthReport>();
    const quiet = keptResolved(candidates);
    const counted = quiet.size === 0 ? candidates : candidates.filter((c) => !quiet.has(c.fingerprint));
    for (const [workflow, { basis, anomalyScore, cadenceMs }] of this.workflows) {
      if (anomalyScore !== undefined) anomalyScores.set(workflow, anomalyScore);
      if (cadenceMs !== undefined) cadences.set(workflow, cadenceMs / 1000);
      health.set(
        workflow,
        healthOf({
          workflow,
          basis,
          nowMs,
          candidates: counted.filter((c) => c.workflow === workflow || c.workflows?.includes(workflow)),
          slos: slos.filter((s) => s.workflow === workflow),
          anomalyScore,
          cadenceMs,
        }),
      );
    }
    return { candidates, health, slos, anomalyScores, cadences };
  }
}
