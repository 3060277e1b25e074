import { mostSevere, type FindingCandidate, type RunChanges, type Severity } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import { clusterByCause } from '../clusters.js';
import type { AnalysisContext, WorkflowHistory } from '../context.js';
import { categoryOfKey, describeExplanation, type Explanation } from '../correlation/explain.js';
import { distinctLines, exampleRunIds, fingerprint, percent, round, utcTime } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { changesBefore } from '../run-comparison.js';
import { traceInsights, type TraceInsights } from '../trace-insights.js';
import { explainFailures } from './explain-failures.js';
import { patternGroups, type PatternGroup, type PatternMessage } from './patterns.js';
import { withConstantValues } from '../templates/constant-values.js';

/**
 * Error patterns and their correlations in one detector, so one problem gives one finding: each template's
 * failures are compared with the other runs across every attribute; when an attribute value explains them the
 * finding is a `correlation` carrying both the pattern and the attribute, otherwise an `error_pattern`. Problems
 * of several workflows with the same cause (the same attribute value, or the same template in a step of the same
 * name when no attribute explains them) that are active at the same time become one finding naming all the workflows.
 */

/** A failure as its finding shows it: the run itself is not kept past its workflow's turn in the pass. */
type FailureRef = Pick<RunRecord, 'id' | 'startMs'> & { message: string; templateId: string };

/**
 * One workflow's error pattern and what explains it, kept from the workflow's turn in the pass to the end of the
 * pass, when problems of several workflows with the same cause become one finding. It holds no runs, so a pass
 * holds one workflow's runs at a time.
 */
export interface Problem {
  workflow: string;
  group: Omit<PatternGroup, 'failures' | 'explanations'>;
  failures: FailureRef[];
  /** The runs since the pattern's onset: the population its share and correlation are measured on. */
  sinceOnset: number;
  explanations: Explanation[];
  cause: string;
  insights: TraceInsights;
  /** What changed between the last successful run and the pattern's first failure. */
  changes: RunChanges | undefined;
  /** How often the workflow failed at all before a time (a cluster's onset, known only at the end). */
  baselineBefore(onsetMs: number): Record<string, number>;
}


/**
 * The workflow's error patterns and what explains each, one at a time: each compares its first failure with the last
 * success, which takes a while for runs of thousands of steps, so the pass gives way between them.
 */
export function* failureProblems(history: WorkflowHistory, ctx: AnalysisContext): Generator<Problem> {
  const groups = patternGroups(history, ctx);
  if (groups.length === 0) return;
  const baselineBefore = baselinesOf(history);
  for (const group of groups) yield problemOf(history, group, baselineBefore, ctx);
}

/** Every workflow's problems as findings: problems with the same cause active at the same time become one. */
export function failureCandidates(problems: Problem[], ctx: AnalysisContext): FindingCandidate[] {
  const clusters = clusterByCause(
    problems,
    (p) => p.cause,
    (p) => p.failures.length,
    (p) => ({ fromMs: p.group.onsetMs, toMs: p.group.lastMs }),
  );
  // The first finding of a cause to begin is keyed on the cause alone: it stays the same finding as workflows join or
  // leave it, down to one. Others with that cause (another step of a workflow, a period apart) keep their workflows'
  // keys. The first to begin, not the largest: sizes change places from pass to pass, and the keys would with them.
  const keyed = new Map<string, Problem[]>();
  for (const cluster of clusters) {
    const cause = cluster[0]!.cause;
    const held = keyed.get(cause);
    if (!held || onsetOf(cluster) < onsetOf(held)) keyed.set(cause, cluster);
  }
  return clusters.map((cluster) => candidateOf(cluster, keyed.get(cluster[0]!.cause) === cluster, ctx));
}

const onsetOf = (cluster: readonly Problem[]) => Math.min(...cluster.map((p) => p.group.onsetMs));

function problemOf(history: WorkflowHistory, group: PatternGroup, baselineBefore: Problem['baselineBefore'], ctx: AnalysisContext): Problem {
  const { failures, explanations: known, ...pattern } = group;
  const sinceOnset = history.runs.filter((r) => r.startMs >= group.onsetMs);
  const explanations = known ?? explainFailures(history, failures, ctx);
  const top = explanations[0];
  const firstFailure = failures.reduce((a, b) => (b.run.startMs < a.run.startMs ? b : a));
  return {
    workflow: history.workflow,
    group: pattern,
    failures: failures.map((f) => ({ id: f.run.id, startMs: f.run.startMs, message: f.message, templateId: f.templateId })),
    sinceOnset: sinceOnset.length,
    explanations,
    // Without an attribute, the same message is one cause only in steps of the same name: a runner's generic
    // message ("Process completed with exit code 1.") says nothing of why two workflows fail.
    cause: top ? `${top.key}=${top.value}` : `template:${group.identity}${group.step === undefined ? '' : `|step:${group.step}`}`,
    insights: traceInsights(history, group.onsetMs),
    changes: changesBefore(history.runs, firstFailure.run),
    baselineBefore,
  };
}

/**
 * Before a time: how often the workflow failed at all (its runs are oldest first). No closure in here may use
 * `history`: V8 would keep it, and every run with it, in the context the returned function shares.
 */
function baselinesOf(history: WorkflowHistory): Problem['baselineBefore'] {
  const { runs, failures } = history;
  const starts = new Float64Array(runs.length);
  const failedBefore = new Uint32Array(runs.length + 1);
  for (let i = 0; i < runs.length; i++) {
    starts[i] = runs[i]!.startMs;
    failedBefore[i + 1] = failedBefore[i]! + (failures.has(runs[i]!) ? 1 : 0);
  }
  return (onsetMs) => {
    let before = 0;
    let after = starts.length;
    while (before < after) {
      const mid = (before + after) >>> 1;
      if (starts[mid]! < onsetMs) before = mid + 1;
      else after = mid;
    }
    return { runs: before, failureShare: before ? round(failedBefore[before]! / before, 3) : 0 };
  };
}

function candidateOf(cluster: Problem[], byCause: boolean, ctx: AnalysisContext): FindingCandidate {
  const lead = cluster[0]!;
  const g = lead.group;
  const workflows = [...new Set(cluster.map((p) => p.workflow))].sort();
  const shared = workflows.length > 1;
  const explained = lead.explanations.length > 0;
  const kind = explained ? 'correlation' : 'error_pattern';
  const attributes = Object.fromEntries(lead.explanations.map((e) => [e.key, e.value]));
  const change = lead.explanations.find((e) => e.changedAtOnset);
  const category = g.category ?? (lead.explanations[0] && categoryOfKey(lead.explanations[0].key)) ?? 'logic';
  const severity = mostSevere(cluster.map((p) => p.group.severity));
  const failures = cluster.flatMap((p) => p.failures);
  const affected = failures.length;
  const total = cluster.reduce((n, p) => n + p.sinceOnset, 0);
  const onsetMs = onsetOf(cluster);
  const lastMs = Math.max(...cluster.map((p) => p.group.lastMs));
  const step = cluster.every((p) => p.group.step === g.step) ? g.step : undefined;
  const place = g.stepPath?.join(' › ');
  const stepPath = step && place && cluster.every((p) => p.group.stepPath?.join(' › ') === place) ? g.stepPath : undefined;
  const where = step ? ` in step \`${step}\`${stepPath ? ` of \`${place}\`` : ''}` : '';
  const attrText = lead.explanations.map((e) => `${e.key}=${e.value}`).join(', ');
  const messages = messagesOf(cluster);
  const said = messagesText(messages);
  const errorLines = distinctLines([...failures].sort((a, b) => b.startMs - a.startMs).map((f) => f.message));
  const subject = shared ? `${workflows.length} workflows (${workflows.map((w) => `\`${w}\``).join(', ')})` : `\`${lead.workflow}\``;
  const recentText = `${g.recentCount} of the last ${g.recentRuns} runs`;
  // The pattern as its failures all said it, in every workflow of the finding: "exit code 137", where they all
  // agree, not "exit code <*>". The newest first, should there be more than are read.
  const ofPattern = failures.filter((f) => f.templateId === g.templateId).sort((a, b) => b.startMs - a.startMs);
  const shown = withConstantValues(g.template, [...new Set(ofPattern.map((f) => f.message))]);
  const title = explained
    ? `${subject} fail${shared ? '' : 's'}${where} ${describeExplanation(lead.explanations[0]!)}: ${shown}`
    : `${subject} fail${shared ? '' : 's'}${where}: ${shown}`;
  const why = explained
    ? ` The failures concentrate on ${attrText}: ${percent(lead.explanations[0]!.support)} of them carry it, and ${percent(lead.explanations[0]!.confidence)} of runs with it fail this way.` +
      (change ? ` ${change.key} ${change.value} first appeared at ${utcTime(change.firstSeenMs)}, just before the failures began.` : '')
    : '';
  const summary =
    `${subject} ${shared ? 'have' : 'has'} failed ${affected} times${where} with ${said} since ${utcTime(onsetMs)} ` +
    `(${percent(affected / Math.max(total, 1))} of runs since then; ${recentText} for \`${lead.workflow}\`).${why}`;
  const cause = byCause || shared ? lead.cause : explained ? `${lead.cause}|${g.identity}` : g.identity;
  return {
    fingerprint: fingerprint(kind, byCause ? ['*'] : workflows, cause),
    kind,
    workflow: lead.workflow,
    ...(shared ? { workflows } : {}),
    severity,
    category,
    confidence: round(explained ? 0.5 + 0.5 * lead.explanations[0]!.jaccard : 0.5 + 0.4 * Math.min(1, g.recentCount / 10)),
    title,
    summary,
    rootCause: {
      step,
      ...(stepPath && { stepPath }),
      attributes,
      pattern: g.template,
      description: explained
        ? `Runs fail with ${said}${where} when ${attrText}${change ? `, a ${change.key} first seen at the onset` : ''}.`
        : `Runs fail with ${said}${where}; no attribute sets the failing runs apart.`,
    },
    evidence: {
      baseline: lead.baselineBefore(onsetMs),
      current: { failures: affected, runs: total, failureShare: round(affected / Math.max(total, 1), 3), recentFailures: g.recentCount, recentRuns: g.recentRuns },
      affectedRuns: affected,
      totalRuns: total,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(failures),
      ...(lead.changes && { changes: lead.changes }),
      errorLines,
      details: {
        templateId: g.templateId,
        identity: g.identity,
        ...(messages.length > 1 ? { messages: messages.map((m) => ({ templateId: m.templateId, pattern: m.template, failures: m.failures })) } : {}),
        ...(explained ? { explanations: lead.explanations.map((e) => ({ ...e, support: round(e.support), confidence: round(e.confidence), jaccard: round(e.jaccard), difference: round(e.difference) })) } : {}),
        ...(shared ? { perWorkflow: cluster.map((p) => ({ workflow: p.workflow, step: p.group.step, ...(p.group.stepPath && { stepPath: p.group.stepPath }), pattern: p.group.template, failures: p.failures.length, runs: p.sinceOnset })) } : {}),
      },
    },
    recommendations: recommend({
      kind,
      category,
      workflow: lead.workflow,
      workflows: shared ? workflows : undefined,
      step,
      ...(stepPath && { stepPath }),
      workflowStep: g.step,
      attributes,
      pattern: g.template,
      errorLines,
      changedAtOnset: change ? { key: change.key, value: change.value } : undefined,
      insights: lead.insights,
    }),
    firstSeenMs: onsetMs,
    lastSeenMs: lastMs,
  };
}

/** The messages of the cluster's problems, the most common first. */
function messagesOf(cluster: Problem[]): PatternMessage[] {
  const byId = new Map<string, PatternMessage>();
  for (const m of cluster.flatMap((p) => p.group.messages)) {
    const seen = byId.get(m.templateId);
    if (seen) seen.failures += m.failures;
    else byId.set(m.templateId, { ...m });
  }
  return [...byId.values()].sort((a, b) => b.failures - a.failures);
}

/** '"a"', or with several messages '"a" (12), "b" (6) and "c" (2)': one outage seen through all its messages. */
function messagesText(messages: PatternMessage[]): string {
  if (messages.length === 1) return `"${messages[0]!.template}"`;
  const each = messages.map((m) => `"${m.template}" (${m.failures})`);
  return `${each.slice(0, -1).join(', ')} and ${each.at(-1)}`;
}
