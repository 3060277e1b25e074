import type { Category, FindingCandidate } from '../../model/finding.js';
import { isFailed } from '../../model/workflow.js';
import { formatDurationSpec, parseDuration, type RuleCondition, type RuleConfig } from '../config.js';
import type { AnalysisContext, Detector, WorkflowHistory } from '../context.js';
import { dominantFailureCategory } from '../failures/dominant.js';
import { exampleRunIds, fingerprint, formatDuration, round } from '../format.js';
import { isoTime } from '../../runtime/iso-time.js';
import { recommend } from '../recommendations.js';
import { traceInsights } from '../trace-insights.js';
import { workflowFigures } from './figures.js';

const compare: Record<RuleCondition, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/**
 * A rule's own name, or its metric, condition and threshold, which name its finding's fingerprint: another unnamed
 * rule that differs only in its window adds the window, so the two keep findings of their own.
 */
function ruleName(rule: RuleConfig, rules: readonly RuleConfig[]): string {
  if (rule.name) return rule.name;
  const name = `${rule.metric} ${rule.condition} ${rule.threshold}`;
  const windowMs = windowOf(rule);
  // Only rules that can both speak of one workflow can clash.
  const overlap = (o: RuleConfig) => o.workflow === rule.workflow || o.workflow === '*' || rule.workflow === '*';
  const clash = rules.some((o) => !o.name && overlap(o) && o.metric === rule.metric && o.condition === rule.condition && o.threshold === rule.threshold && windowOf(o) !== windowMs);
  return clash ? `${name} over ${formatDurationSpec(windowMs)}` : name;
}

function windowOf(rule: RuleConfig): number {
  return parseDuration(rule.window ?? '1d');
}

/** User rules over per-workflow figures ('*' matches every workflow). */
export const ruleDetector: Detector = {
  name: 'rules',
  perWorkflow(history, ctx) {
    return (ctx.config.rules ?? []).filter((rule) => rule.workflow === '*' || rule.workflow === history.workflow).flatMap((rule) => evaluate(rule, history, ctx));
  },
};

function categoryOf(rule: RuleConfig, history: WorkflowHistory, ctx: AnalysisContext): Category {
  if (/duration|queue/.test(rule.metric)) return 'performance';
  if (rule.metric === 'runs') return 'configuration';
  return dominantFailureCategory(history, history.runs.filter((r) => r.startMs > ctx.nowMs - 86_400_000)) ?? 'logic';
}

function evaluate(rule: RuleConfig, history: WorkflowHistory, ctx: AnalysisContext): FindingCandidate[] {
  const windowMs = windowOf(rule);
  const figures = workflowFigures(history, ctx.nowMs, windowMs);
  const value = figures[rule.metric];
  if (value === undefined || !compare[rule.condition](value, rule.threshold)) return [];
  const name = ruleName(rule, ctx.config.rules ?? []);
  const runs = history.runs.filter((r) => r.startMs > ctx.nowMs - windowMs);
  const failed = runs.filter((r) => isFailed(r.status));
  const category = categoryOf(rule, history, ctx);
  const shown = /duration|queue/.test(rule.metric) ? formatDuration(value * 1000) : /rate/.test(rule.metric) ? `${round(value * 100, 1)} %` : String(value);
  const firstMs = runs[0]?.startMs ?? ctx.nowMs;
  const seenMs = runs[runs.length - 1]?.endMs ?? ctx.nowMs;
  return [
    {
      fingerprint: fingerprint('rule', [history.workflow], `rule:${name}`),
      kind: 'rule',
      workflow: history.workflow,
      severity: rule.severity,
      category,
      confidence: 1,
      title: `Rule "${name}" matched \`${history.workflow}\`: ${rule.metric} is ${shown}`,
      summary: `Over the last ${rule.window ?? '1d'}, ${rule.metric} of \`${history.workflow}\` is ${shown} (${rule.condition} ${rule.threshold}) across ${figures.runs} runs.`,
      rootCause: { attributes: {}, description: `The configured rule "${name}" holds.` },
      evidence: {
        // Under the metric's own name, so the threshold reads in the metric's unit beside the figure.
        baseline: { [rule.metric]: rule.threshold },
        current: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v, 3)])),
        affectedRuns: /duration|queue/.test(rule.metric) ? runs.length : failed.length,
        totalRuns: runs.length,
        onset: isoTime(firstMs),
        exampleRunIds: exampleRunIds(failed.length ? failed : runs),
        errorLines: failed.slice(-5).reverse().map((r) => history.failures.get(r)!.message),
        details: { rule: name, metric: rule.metric, value, cooldownMs: rule.cooldown ? parseDuration(rule.cooldown) : 0 },
      },
      recommendations: recommend({ kind: 'rule', category, workflow: history.workflow, attributes: {}, insights: traceInsights(history) }),
      // Seen when it holds: the finding's first sighting is when it opened, which its cooldown counts from.
      firstSeenMs: seenMs,
      lastSeenMs: seenMs,
    },
  ];
}
