import { stepLabel, type FindingCandidate, type Severity } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import { isoTime } from '../../runtime/iso-time.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { explainSinceOnset, Tally } from '../correlation/explain.js';
import { explainedRetries } from './explained-retries.js';
import { distinctLines, exampleRunIds, fingerprint, percent, round, utcTime } from '../format.js';
import { recommend } from '../recommendations.js';
import { tooCleanForRate } from '../stats.js';
import { changesOf, compareRuns, EARLIER_SUCCESSES, successesBefore } from '../run-comparison.js';
import { commonTemplate, FAILED, hitBy, hitStepPath, PASSED, RETRIED, runsTestZ, sameCode, stepOutcomes, triesCategory, type StepOutcomes } from './outcomes.js';


/**
 * Flaky steps: a step that fails now and then and passes again with nothing changed, on a retry within the run, in
 * a re-run of the run, or in the next run of the same code, its failures interleaved with passes rather than in a block since some moment,
 * and no attribute (host, tenant, release, downstream) setting them apart. Such failures have no onset to roll back
 * and no host to drain; what helps is knowing the step is flaky, how often, and a failing and a passing run of the
 * same code to compare. Its run failures are this finding's, not an error pattern's as well.
 */

/** Past this share of its runs failing, a step is broken, not flaky. */
const MAX_FAILURE_SHARE = 0.5;
/** Fewer runs than this hit by the step, and a workflow's ordinary transient failures and retries would pass for flakiness. */
const MIN_FLAKY_RUNS = 5;
/** At least this many passes after a failure with nothing changed (retries, or next runs of the same code). */
const MIN_PASSES_AGAIN = 2;
/** A runs-test z below this (one-sided 1 %): the failures come in blocks, an episode rather than flakiness. */
const CLUSTERED_Z = -2.33;

/**
 * The workflow's steps, a step at a time, each with its finding when it is flaky: a workflow can have thousands of
 * step names, and a flaky one compares two runs of thousands of steps, so the pass gives way after each.
 */
export function* flakyCandidates(history: WorkflowHistory, ctx: AnalysisContext): Generator<FindingCandidate | undefined> {
  for (const outcomes of stepOutcomes(history.runs)) yield flakyCandidate(history, outcomes, ctx);
}

function flakyCandidate(history: WorkflowHistory, all: StepOutcomes, ctx: AnalysisContext): FindingCandidate | undefined {
  // The workflow's runs against those the step did not pass at the first try in: what explains them over the whole
  // window is asked for each onset below, and counted once.
  const hits = new Tally(history.runs, hitBy(all));
  // Retries something sets apart are not flaky, and take the step's turn.
  const retries = explainedRetries(history, all, hits, ctx);
  if (retries) return retries;
  const t = ctx.thresholds;
  const first = all.outcomes.findIndex((o) => o !== PASSED);
  if (first < 0) return undefined;
  // From its first failure on: a step that became flaky a day ago is as flaky as ever since then.
  const runs = all.runs.slice(first);
  const outcomes = all.outcomes.slice(first);
  const n = runs.length;
  let failed = 0;
  let retried = 0;
  let recovered = 0;
  let pair: { failed: RunRecord; passed: RunRecord } | undefined;
  const rerunOf = passingReruns(runs, outcomes);
  for (let i = 0; i < n; i++) {
    if (outcomes[i] === RETRIED) retried++;
    if (outcomes[i] !== FAILED) continue;
    failed++;
    const next = runs[i + 1];
    const passed = rerunOf.get(i) ?? (next !== undefined && outcomes[i + 1] !== FAILED && sameCode(runs[i]!, next) ? next : undefined);
    if (passed !== undefined) {
      recovered++;
      pair = { failed: runs[i]!, passed };
    }
  }
  const events = failed + retried;
  if (events < Math.max(MIN_FLAKY_RUNS, t.minAffectedRuns) || events / n < t.minPatternShare || failed / n > MAX_FAILURE_SHARE) return undefined;
  if (retried + recovered < MIN_PASSES_AGAIN) return undefined;
  // Failures that began at a moment are an error pattern's; retries alone have no other finding to go to.
  if (failed > 0 && beganAtMoment(first, events, n)) return undefined;
  const z = runsTestZ(outcomes.map((o) => o !== PASSED));
  // NaN: it never passed at the first try since it began, which is how it works now, not a coin toss.
  if (!(z >= CLUSTERED_Z)) return undefined;
  const hit = runs.filter((_, i) => outcomes[i] !== PASSED);
  const options = { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns, onsetMs: runs[0]!.startMs };
  if (explainSinceOnset(runs, hits, options).length > 0) return undefined;

  const step = all.step;
  const stepPath = hitStepPath(hit, step);
  const named = `\`${stepLabel({ step, stepPath })}\``;
  const workflow = history.workflow;
  const sinceMs = runs[0]!.startMs;
  const recentFrom = ctx.nowMs - t.recentMs;
  const recent = hit.filter((r) => r.startMs >= recentFrom).length;
  // The failures' messages, and those of the failed tries of runs that passed on a retry.
  const messages = all.messages.slice(first).filter((m): m is string => m !== undefined).reverse();
  const common = commonTemplate(history, runs, outcomes, step);
  const pattern = common?.template;
  // From the pattern, whose numbers are masked: a row or port number in one message must not decide it. Runs that
  // passed on a retry bring no pattern (the miner is shown failed runs' messages only): their tries' are masked alike.
  const category = triesCategory(pattern, messages[0]) ?? 'logic';
  const severity: Severity =
    recent === 0 ? 'low' : failed / n >= 0.2 ? 'high' : failed / n >= t.minPatternShare || events / n >= 0.1 ? 'medium' : 'low';
  const what = [failed > 0 ? `failed in ${failed}` : '', retried > 0 ? `passed only on a retry in ${retried}` : ''].filter(Boolean).join(' and ');
  const since = `${n} runs since ${utcTime(sinceMs)}`;
  const againText = [
    retried > 0 ? `${retried} passed on a retry within the run` : '',
    recovered > 0 ? `${recovered} ${recovered === 1 ? 'failure was' : 'failures were'} followed by a passing run of the same code (a re-run, or the next run)` : '',
  ].filter(Boolean).join(', and ');
  const comparison = pair && compareRuns(pair.failed, pair.passed, successesBefore(history.runs, pair.failed, EARLIER_SUCCESSES));
  return {
    fingerprint: fingerprint('flaky', [workflow], step),
    kind: 'flaky',
    workflow,
    severity,
    category,
    confidence: round(Math.min(0.95, 0.5 + 0.1 * (retried + recovered))),
    title: `Step ${named} of \`${workflow}\` is flaky: it ${what} of ${since}`,
    summary:
      `Step ${named} of \`${workflow}\` ${what} of the ${since} (${percent(events / n)} of them). ${capitalise(againText)}. ` +
      `The failures are interleaved with passes rather than in a block, and no attribute (host, tenant, release, downstream) sets them apart.`,
    rootCause: {
      step,
      ...(stepPath && { stepPath }),
      attributes: {},
      ...(pattern !== undefined && { pattern }),
      description: `Step ${named} fails now and then with the same code${pattern ? ` ("${pattern}")` : ''}: a retry or the next run passes.`,
    },
    evidence: {
      baseline: { runs: n, passedFirstTry: n - events },
      current: { failed, passedOnRetry: retried, recoveredNextRun: recovered, flakyShare: round(events / n, 3), failureShare: round(failed / n, 3), recentFlakyRuns: recent },
      affectedRuns: events,
      totalRuns: n,
      onset: isoTime(sinceMs),
      exampleRunIds: exampleRunIds(hit),
      errorLines: distinctLines(messages),
      ...(comparison && { changes: changesOf(comparison, pair!.failed, pair!.passed) }),
      details: { runsTestZ: round(z, 2), ...(common && { templateId: common.templateId }) },
    },
    recommendations: recommend({ kind: 'flaky', category, workflow, step, ...(stepPath && { stepPath }), attributes: {}, pattern }),
    firstSeenMs: sinceMs,
    lastSeenMs: hit.reduce((last, r) => Math.max(last, r.endMs), 0),
  };
}

/**
 * Whether the step ran clean too long before its first failure for its rate since (that failure left out: it starts
 * the count) to be chance: then something changed there, and the failures are a regression to date and roll back,
 * not flakiness to quarantine.
 */
function beganAtMoment(cleanBefore: number, events: number, n: number): boolean {
  return tooCleanForRate(cleanBefore, (events - 1) / (n - 1));
}

/**
 * For each run the step failed in, the first later attempt of the same run (a GitHub Actions re-run, the runner's
 * own id with a higher attempt) in which it passed: the same code by definition, however many runs came between.
 */
function passingReruns(runs: readonly RunRecord[], outcomes: readonly number[]): Map<number, RunRecord> {
  const attempts = new Map<string, number[]>();
  runs.forEach((run, i) => {
    if (run.runId === run.traceId) return; // no id of the runner's own: nothing to be re-run under
    const key = `${run.runner}\n${run.runId}`;
    const list = attempts.get(key);
    if (list) list.push(i);
    else attempts.set(key, [i]);
  });
  const found = new Map<number, RunRecord>();
  for (const list of attempts.values()) {
    for (const i of list) {
      if (outcomes[i] !== FAILED) continue;
      const j = list.find((k) => k > i && outcomes[k] !== FAILED && (runs[k]!.attempt ?? 1) > (runs[i]!.attempt ?? 1));
      if (j !== undefined) found.set(i, runs[j]!);
    }
  }
  return found;
}


function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
