import type { Category, FindingCandidate, Severity } from '../../model/finding.js';
import type { RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, Detector } from '../context.js';
import { describeExplanation, explain, leadingExplanations, type Explanation } from '../correlation/explain.js';
import { distinctLines, exampleRunIds, fingerprint, formatTime, percent, round } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { traceInsights } from '../trace-insights.js';
import { patternGroups, type PatternGroup } from './patterns.js';

/**
 * Error patterns and their correlations in one detector, so one problem gives one finding: each template's
 * failures are compared with the other runs across every attribute; when an attribute value explains them the
 * finding is a `correlation` carrying both the pattern and the attribute, otherwise an `error_pattern`. Problems
 * of several workflows with the same cause (the same attribute value, or the same template when no attribute
 * explains them) that are active at the same time become one finding naming all the workflows.
 */

interface Problem {
  group: PatternGroup;
  /** The runs since the pattern's onset: the population its share and correlation are measured on. */
  sinceOnset: RunRecord[];
  explanations: Explanation[];
  cause: string;
}

const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
/** What an attribute implies when the error text itself names no category. */
const categoryByKey: [RegExp, Category][] = [
  [/^downstream/, 'external_service'],
  [/host|node/, 'resource'],
  [/version|revision|image/, 'logic'],
  [/tenant|customer|account/, 'data'],
];

export const failureDetector: Detector = {
  name: 'failures',
  detect(ctx) {
    const problems = patternGroups(ctx).map((g) => problemOf(g, ctx));
    return clusterByCause(problems).map((cluster) => candidateOf(cluster, ctx));
  },
};

function problemOf(group: PatternGroup, ctx: AnalysisContext): Problem {
  const t = ctx.thresholds;
  const ids = new Set(group.failures.map((f) => f.run));
  const isBad = (r: RunRecord) => ids.has(r);
  const sinceOnset = group.history.runs.filter((r) => r.startMs >= group.onsetMs);
  const options = { minSupport: t.minSupport, minJaccard: t.minJaccard, minAffected: t.minAffectedRuns, onsetMs: group.onsetMs };
  // Within the problem's period an attribute that splits bad from good shows (a tenant, a host); over the whole
  // window a value that only exists since the onset shows (a release).
  const ranked = [...explain(sinceOnset, isBad, options), ...explain(group.history.runs, isBad, options)]
    .sort((a, b) => b.jaccard - a.jaccard);
  const explanations = leadingExplanations(dedupeByItem(ranked));
  const top = explanations[0];
  return { group, sinceOnset, explanations, cause: top ? `${top.key}=${top.value}` : `template:${group.templateId}` };
}

/** One explanation per attribute value; it began with the problem if either population says so. */
function dedupeByItem(list: Explanation[]): Explanation[] {
  const byItem = new Map<string, Explanation>();
  for (const e of list) {
    const item = `${e.key}=${e.value}`;
    const seen = byItem.get(item);
    if (!seen) byItem.set(item, { ...e });
    else seen.changedAtOnset ||= e.changedAtOnset;
  }
  return [...byItem.values()];
}

/** Groups problems with the same cause whose active periods overlap; each cluster becomes one finding. */
function clusterByCause(problems: Problem[]): Problem[][] {
  const clusters: Problem[][] = [];
  const byCause = new Map<string, Problem[]>();
  for (const p of problems) {
    let list = byCause.get(p.cause);
    if (!list) byCause.set(p.cause, (list = []));
    list.push(p);
  }
  for (const list of byCause.values()) {
    const remaining = [...list].sort((a, b) => b.group.failures.length - a.group.failures.length);
    while (remaining.length > 0) {
      const lead = remaining.shift()!;
      const cluster = [lead];
      for (let i = remaining.length - 1; i >= 0; i--) {
        const p = remaining[i]!;
        const overlaps = p.group.onsetMs <= lead.group.lastMs && lead.group.onsetMs <= p.group.lastMs;
        if (overlaps && p.group.history !== lead.group.history) cluster.push(...remaining.splice(i, 1));
      }
      clusters.push(cluster);
    }
  }
  return clusters;
}

function candidateOf(cluster: Problem[], ctx: AnalysisContext): FindingCandidate {
  const lead = cluster[0]!;
  const g = lead.group;
  const workflows = [...new Set(cluster.map((p) => p.group.history.workflow))].sort();
  const shared = workflows.length > 1;
  const explained = lead.explanations.length > 0;
  const kind = explained ? 'correlation' : 'error_pattern';
  const attributes = Object.fromEntries(lead.explanations.map((e) => [e.key, e.value]));
  const change = lead.explanations.find((e) => e.changedAtOnset);
  const category = g.category ?? categoryByKey.find(([re]) => lead.explanations[0] && re.test(lead.explanations[0].key))?.[1] ?? 'logic';
  const severity = cluster.map((p) => p.group.severity).sort((a, b) => severityRank[b] - severityRank[a])[0]!;
  const failures = cluster.flatMap((p) => p.group.failures);
  const affected = failures.length;
  const total = cluster.reduce((n, p) => n + p.sinceOnset.length, 0);
  const onsetMs = Math.min(...cluster.map((p) => p.group.onsetMs));
  const lastMs = Math.max(...cluster.map((p) => p.group.lastMs));
  const step = cluster.every((p) => p.group.step === g.step) ? g.step : undefined;
  const where = step ? ` in step \`${step}\`` : '';
  const attrText = lead.explanations.map((e) => `${e.key}=${e.value}`).join(', ');
  const subject = shared ? `${workflows.length} workflows (${workflows.map((w) => `\`${w}\``).join(', ')})` : `\`${g.history.workflow}\``;
  const recentText = `${g.recentCount} of the last ${g.recentRuns} runs`;
  const title = explained
    ? `${subject} fail${shared ? '' : 's'}${where} ${describeExplanation(lead.explanations[0]!)}: ${g.template}`
    : `${subject} fail${shared ? '' : 's'}${where}: ${g.template}`;
  const why = explained
    ? ` The failures concentrate on ${attrText}: ${percent(lead.explanations[0]!.support)} of them carry it, and ${percent(lead.explanations[0]!.confidence)} of runs with it fail this way.` +
      (change ? ` ${change.key} ${change.value} first appeared at ${formatTime(change.firstSeenMs)}, just before the failures began.` : '')
    : '';
  const summary =
    `${subject} ${shared ? 'have' : 'has'} failed ${affected} times${where} with "${g.template}" since ${formatTime(onsetMs)} UTC ` +
    `(${percent(affected / Math.max(total, 1))} of runs since then; ${recentText} for \`${g.history.workflow}\`).${why}`;
  const cause = shared ? lead.cause : explained ? `${lead.cause}|${g.templateId}` : g.templateId;
  return {
    fingerprint: fingerprint(kind, shared ? ['*'] : workflows, cause),
    kind,
    workflow: g.history.workflow,
    ...(shared ? { workflows } : {}),
    severity,
    category,
    confidence: round(explained ? 0.5 + 0.5 * lead.explanations[0]!.jaccard : 0.5 + 0.4 * Math.min(1, g.recentCount / 10)),
    title,
    summary,
    rootCause: {
      step,
      attributes,
      pattern: g.template,
      description: explained
        ? `Runs fail with "${g.template}"${where} when ${attrText}${change ? `, a ${change.key} first seen at the onset` : ''}.`
        : `Runs fail with "${g.template}"${where}; no attribute sets the failing runs apart.`,
    },
    evidence: {
      baseline: baselineOf(lead, onsetMs),
      current: { failures: affected, runs: total, failureShare: round(affected / Math.max(total, 1), 3), recentFailures: g.recentCount, recentRuns: g.recentRuns },
      affectedRuns: affected,
      totalRuns: total,
      onset: isoTime(onsetMs),
      exampleRunIds: exampleRunIds(failures.map((f) => f.run)),
      errorLines: distinctLines([...failures].sort((a, b) => b.run.startMs - a.run.startMs).map((f) => f.message)),
      details: {
        templateId: g.templateId,
        ...(explained ? { explanations: lead.explanations.map((e) => ({ ...e, support: round(e.support), confidence: round(e.confidence), jaccard: round(e.jaccard), difference: round(e.difference) })) } : {}),
        ...(shared ? { perWorkflow: cluster.map((p) => ({ workflow: p.group.history.workflow, step: p.group.step, pattern: p.group.template, failures: p.group.failures.length, runs: p.sinceOnset.length })) } : {}),
      },
    },
    recommendations: recommend({
      kind,
      category,
      workflow: g.history.workflow,
      workflows: shared ? workflows : undefined,
      step,
      attributes,
      pattern: g.template,
      changedAtOnset: change ? { key: change.key, value: change.value } : undefined,
      insights: traceInsights(g.history),
    }),
    firstSeenMs: onsetMs,
    lastSeenMs: lastMs,
  };
}

/** Before the onset: how often the workflow failed at all. */
function baselineOf(p: Problem, onsetMs: number): Record<string, number> {
  const before = p.group.history.runs.filter((r) => r.startMs < onsetMs);
  const failed = before.filter((r) => p.group.history.failures.has(r)).length;
  return { runs: before.length, failureShare: before.length ? round(failed / before.length, 3) : 0 };
}
