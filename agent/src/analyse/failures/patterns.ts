import type { Category, Severity } from '../../model/finding.js';
import type { RunRecord, StepRecord } from '../../model/workflow.js';
import type { AnalysisContext, Failure, WorkflowHistory } from '../context.js';
import { failedItself, hitPlace } from '../hit-place.js';
import { mostCommon } from '../stats.js';
import { CLEAR_AFTER_RUNS } from '../config.js';
import type { Explanation } from '../correlation/explain.js';
import { categorise } from './categorise.js';
import { continueHeld } from './held-identities.js';
import { outagesOf, riseOf } from './outages.js';

/** A pattern still occurring at its rate misses this many runs in a row with at most this chance. */
const MISS_CHANCE = 0.001;

/** One error message of a pattern: its template and how many of the pattern's failures show it. */
export interface PatternMessage {
  templateId: string;
  template: string;
  failures: number;
}

/** The failures of one workflow that share an error template, or the messages of one outage. */
export interface PatternGroup {
  /** The message most of the failures show. */
  templateId: string;
  template: string;
  /**
   * The template of the message the pattern began with, or the identity of the live finding it continues
   * (`held-identities.ts`): what its key comes from, so that messages joining or leaving an outage, or the most
   * common of them changing, leave it the same finding.
   */
  identity: string;
  /** Every message, the most common first. */
  messages: PatternMessage[];
  failures: Failure[];
  /** What explains the failures, when grouping them into an outage worked it out. */
  explanations?: Explanation[];
  /** The origin step most of these failures came from. */
  step?: string;
  /** The steps enclosing `step` where its newest failures failed it alone (a matrix's job); absent at the top. */
  stepPath?: string[];
  /** From the error's keywords; undefined when none matched (an attribute may still tell). */
  category?: Category;
  onsetMs: number;
  lastMs: number;
  /** Share of the runs since its onset, and of the runs that ended in the recent window. */
  share: number;
  recentCount: number;
  recentRuns: number;
  recentShare: number;
  severity: Severity;
}

/** The workflow's failures grouped by template, messages of one outage together; the groups big enough to matter. */
export function patternGroups(history: WorkflowHistory, ctx: AnalysisContext): PatternGroup[] {
  const byTemplate = new Map<string, Failure[]>();
  for (const f of history.failures.values()) {
    let list = byTemplate.get(f.templateId);
    if (!list) byTemplate.set(f.templateId, (list = []));
    list.push(f);
  }
  const runs = history.runs;
  // Recent by when a run ended: a run longer than the window began before it, however recently it settled.
  const recentFrom = ctx.nowMs - ctx.thresholds.recentMs;
  const recentRuns = runs.filter((r) => r.endMs >= recentFrom).length;
  const indexOf = new Map(runs.map((r, i) => [r, i]));
  const minAffected = ctx.thresholds.minAffectedRuns;
  // A message too rare to be a pattern by itself may still be one of an outage's.
  const perTemplate = [...byTemplate.values()].map((all) => (all.length < minAffected ? all : sinceRise(all, runs, indexOf, minAffected)));
  const groups: PatternGroup[] = [];
  for (const { messages: outage, explanations } of outagesOf(perTemplate, history, indexOf, ctx)) {
    const failures = outage.flat().sort((a, b) => indexOf.get(a.run)! - indexOf.get(b.run)!);
    if (failures.length < minAffected) continue;
    const first = indexOf.get(failures[0]!.run)!;
    const last = failures[failures.length - 1]!;
    const recentCount = failures.filter((f) => f.run.endMs >= recentFrom).length;
    const share = failures.length / (runs.length - first);
    const recentShare = recentRuns > 0 ? recentCount / recentRuns : 0;
    // A pattern that stopped, however large it was, and a rare one not seen in the recent window are history, not
    // problems: their findings resolve themselves.
    if (hasStopped(first, indexOf.get(last.run)!, failures.length, runs.length)) continue;
    if (recentCount === 0 && share < ctx.thresholds.minPatternShare) continue;
    const dominant = outage[0]!.at(-1)!;
    const messages = outage.map((m) => ({ templateId: m[0]!.templateId, template: m.at(-1)!.template, failures: m.length }));
    const step = mostCommon(failures.map((f) => f.step?.name));
    const stepPath = step === undefined ? undefined : hitPlace(newestFailuresOf(failures, step), step, failedThere(failures));
    groups.push({
      templateId: dominant.templateId,
      template: dominant.template,
      identity: failures[0]!.templateId,
      messages,
      failures,
      ...(explanations && { explanations }),
      step,
      ...(stepPath && { stepPath }),
      // From the template and the error type: numbers in a message ("row 403") say nothing of its kind.
      category: categorise(dominant.template, dominant.step?.errorType ?? dominant.run.errorType),
      onsetMs: failures[0]!.run.startMs,
      lastMs: last.run.endMs,
      share,
      recentCount,
      recentRuns,
      recentShare,
      severity: severityOf(runs.slice(first), failures, recentCount, ctx),
    });
  }
  continueHeld(ctx.held, history.workflow, groups);
  return groups;
}

/**
 * Whether a step is where a failure started: the step each failure was traced to (`originStep`, which also ends a
 * cycle of parents a runner's bad ids make), and any other step that failed with no failed step inside it.
 */
function failedThere(failures: readonly Failure[]): (step: StepRecord, run: RunRecord) => boolean {
  const origins = new Set(failures.map((f) => f.step));
  const failed = failedItself();
  return (step, run) => origins.has(step) || failed(step, run);
}

/** The runs of the failures that failed `step`, newest first. */
function* newestFailuresOf(failures: readonly Failure[], step: string): Generator<RunRecord> {
  for (let i = failures.length - 1; i >= 0; i--) if (failures[i]!.step?.name === step) yield failures[i]!.run;
}

/**
 * The failures since the pattern's rate rose, when it did and enough of them followed (a rare error that became an
 * outage begins with the outage, not with its first occurrence weeks before); all of them otherwise.
 */
function sinceRise(failures: Failure[], runs: readonly RunRecord[], indexOf: Map<RunRecord, number>, minAffected: number): Failure[] {
  const rise = riseOf(failures, indexOf, runs.length);
  if (rise === undefined) return failures;
  const from = failures.findIndex((f) => indexOf.get(f.run)! >= rise);
  return from > 0 && failures.length - from >= minAffected ? failures.slice(from) : failures;
}

/**
 * Whether a pattern has stopped: missing from the workflow's latest runs for five runs, and for longer than it would
 * go missing by chance at the rate it failed between its first and last failure — a pattern failing one run in five
 * must miss 31.
 */
function hasStopped(firstIndex: number, lastIndex: number, failures: number, runs: number): boolean {
  const rate = failures / (lastIndex - firstIndex + 1);
  // A pattern that failed every run gives log(0) = −∞ here: five runs.
  const needed = Math.max(CLEAR_AFTER_RUNS, Math.ceil(Math.log(MISS_CHANCE) / Math.log(1 - rate)));
  return runs - 1 - lastIndex >= needed;
}

/**
 * Severity from how much of the current traffic fails this way: of the runs since the pattern began (`since`), those
 * that ended in the last three recent windows. It must still occur in the recent window, and reach `minAffectedRuns`
 * failures and `minPatternShare` of runs before it is medium, so scattered transient failures stay low.
 */
function severityOf(since: readonly RunRecord[], failures: Failure[], recentCount: number, ctx: AnalysisContext): Severity {
  const t = ctx.thresholds;
  if (recentCount === 0) return 'low';
  const from = ctx.nowMs - 3 * t.recentMs;
  const count = failures.filter((f) => f.run.endMs >= from).length;
  const share = count / Math.max(1, since.filter((r) => r.endMs >= from).length);
  if (count < t.minAffectedRuns || share < t.minPatternShare) return 'low';
  if (share >= 0.5) return 'critical';
  if (share >= 0.2) return 'high';
  return 'medium';
}
