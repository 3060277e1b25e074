import type { FindingCandidate, Severity } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import { isoTime } from '../../runtime/iso-time.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { runItems } from '../correlation/attributes.js';
import { categoryOfKey, describeExplanation, type Explanation } from '../correlation/explain.js';
import { categorise } from '../failures/categorise.js';
import { distinctLines, exampleRunIds, fingerprint, formatTime, percent, round } from '../format.js';
import { recommend } from '../recommendations.js';
import { FAILED, PASSED, RETRIED, type StepOutcome } from './outcomes.js';

/** A step that failed its first try, or altogether, in runs an attribute sets apart. */
export interface ExplainedRetries {
  history: WorkflowHistory;
  step: string;
  /** The step's runs since its first failure or retry, oldest first, with its outcome and error in each. */
  runs: readonly RunRecord[];
  outcomes: readonly StepOutcome[];
  messages: readonly (string | undefined)[];
  explanations: Explanation[];
  /** The error template its failures have most often. */
  template: { templateId: string; template: string } | undefined;
}

/**
 * Retries that concentrate on one host, tenant, release or downstream service: the runs pass, so no failure
 * pattern speaks, and the step is not flaky, since something sets those runs apart. Each retry costs time and
 * hides a fault that grows into failures (a disk filling on one runner, a worker with a stale connection), so it
 * is a correlation of its own. The error pattern's correlation is the finding instead when the step's failures
 * have one (the pass keeps one of the two).
 */
export function explainedRetries(e: ExplainedRetries, ctx: AnalysisContext): FindingCandidate {
  const { history, step, explanations } = e;
  const workflow = history.workflow;
  const top = explanations[0]!;
  const item = `${top.key}=${top.value}`;
  // Since the first run that needed a retry with the value: an older transient failure of the step is no onset.
  const first = e.runs.findIndex((run, i) => e.outcomes[i] !== PASSED && runItems(run).includes(item));
  const from = Math.max(0, first);
  const runs = e.runs.slice(from);
  const outcomes = e.outcomes.slice(from);
  const n = runs.length;
  const failed = outcomes.filter((o) => o === FAILED).length;
  const retried = outcomes.filter((o) => o === RETRIED).length;
  const hit = runs.filter((_, i) => outcomes[i] !== PASSED);
  const onsetMs = runs[0]!.startMs;
  const recent = hit.filter((r) => r.startMs >= ctx.nowMs - ctx.thresholds.recentMs).length;
  const messages = e.messages.slice(from).filter((m, i): m is string => outcomes[i] === FAILED && m !== undefined).reverse();
  const pattern = e.template?.template;
  const category = categorise(pattern, messages[0]) ?? categoryOfKey(top.key) ?? 'logic';
  const severity: Severity = recent === 0 ? 'low' : failed / n >= 0.2 ? 'high' : 'medium';
  const attributes = Object.fromEntries(explanations.map((x) => [x.key, x.value]));
  const attrText = explanations.map((x) => `${x.key}=${x.value}`).join(', ');
  const change = explanations.find((x) => x.changedAtOnset);
  const where = describeExplanation(top);
  const what = `passed only on a retry in ${retried}${failed > 0 ? ` and failed in ${failed}` : ''} of ${n} runs since ${formatTime(onsetMs)} UTC`;
  return {
    fingerprint: fingerprint('correlation', [workflow], `${item}|retries:${step}`),
    kind: 'correlation',
    workflow,
    severity,
    category,
    confidence: round(0.5 + 0.5 * top.jaccard),
    title: `Step \`${step}\` of \`${workflow}\` needs retries ${where}: it ${what}`,
    summary:
      `Step \`${step}\` of \`${workflow}\` ${what} (${percent(hit.length / n)} of them). ` +
      `The retries concentrate on ${attrText}: ${percent(top.support)} of the runs that needed one carry it, and ` +
      `${percent(top.confidence)} of the runs with it needed one.` +
      (change ? ` ${change.key} ${change.value} first appeared at ${formatTime(change.firstSeenMs)}, just before the retries began.` : '') +
      ` The runs pass, but each retry costs time and hides a fault that can grow into failures.`,
    rootCause: {
      step,
      attributes,
      ...(pattern !== undefined && { pattern }),
      description: `Step \`${step}\` fails its first try ${where}${pattern ? ` ("${pattern}")` : ''}, and a retry passes.`,
    },
    evidence: {
      baseline: { runs: n, passedFirstTry: n - hit.length },
      current: { failed, passedOnRetry: retried, retryShare: round(retried / n, 3), failureShare: round(failed / n, 3), recentRetriedRuns: recent },
      affectedRuns: hit.length,
      totalRuns: n,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(hit.filter((r) => runItems(r).includes(item))),
      errorLines: distinctLines(messages),
      details: {
        explanations: explanations.map((x) => ({ ...x, support: round(x.support), confidence: round(x.confidence), jaccard: round(x.jaccard), difference: round(x.difference) })),
        ...(e.template && { templateId: e.template.templateId }),
      },
    },
    recommendations: recommend({
      kind: 'correlation',
      category,
      workflow,
      step,
      attributes,
      pattern,
      retries: true,
      ...(change && { changedAtOnset: { key: change.key, value: change.value } }),
    }),
    firstSeenMs: onsetMs,
    lastSeenMs: hit.reduce((last, r) => Math.max(last, r.endMs), 0),
  };
}
