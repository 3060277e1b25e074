import { isFailed, type RunRecord, type StepRecord } from '../model/workflow.js';
import { sortSmall } from '../runtime/sort-small.js';
import type { WorkflowHistory } from './context.js';
import { median } from './stats.js';

/** What a workflow's traces show beyond any single finding: critical path, serial siblings, futile retries. */
export interface TraceInsights {
  /** Steps taking at least 40 % of the run (median share), largest first. */
  dominantSteps: { step: string; share: number }[];
  /** Sibling steps that always run one after the other with no dependency recorded between them. */
  serialSiblings: { first: string; second: string }[];
  /** Steps whose retries almost never rescue the run (at most 10 % of retried runs succeed). */
  futileRetries: { step: string; retriedRuns: number; rescued: number }[];
}

const SAMPLE = 200;
const DEPENDENCY_KEYS = /need|depend|upstream|input|artifact/i;
/** Per pass: the insights over the sample, and the critical path since each onset asked for. */
const cache = new WeakMap<WorkflowHistory, { insights: TraceInsights; since: Map<number, TraceInsights> }>();

/**
 * Insights over the newest runs of a workflow, computed once per pass. With `sinceMs` (a finding's onset), the
 * critical path is that of the runs that ended since (an SLO dates its burn by a run's end): a step that became 6×
 * slower takes its new share of a run only since then, and the runs before, most of the sample, would hide it.
 */
export function traceInsights(history: WorkflowHistory, sinceMs?: number): TraceInsights {
  let cached = cache.get(history);
  if (!cached) {
    const runs = history.runs.slice(-SAMPLE);
    cached = { insights: { dominantSteps: dominantSteps(runs), serialSiblings: serialSiblings(runs), futileRetries: futileRetries(runs) }, since: new Map() };
    cache.set(history, cached);
  }
  if (sinceMs === undefined) return cached.insights;
  let insights = cached.since.get(sinceMs);
  if (!insights) {
    const since = history.runs.slice(-SAMPLE).filter((r) => r.endMs >= sinceMs);
    insights = since.length > 0 ? { ...cached.insights, dominantSteps: dominantSteps(since) } : cached.insights;
    cached.since.set(sinceMs, insights);
  }
  return insights;
}

function dominantSteps(runs: readonly RunRecord[]): TraceInsights['dominantSteps'] {
  const shares = new Map<string, number[]>();
  for (const run of runs) {
    if (run.durationMs <= 0) continue;
    for (const step of run.steps) {
      if (step.parentId !== undefined) continue;
      let list = shares.get(step.name);
      if (!list) shares.set(step.name, (list = []));
      list.push(step.durationMs / run.durationMs);
    }
  }
  return [...shares]
    .map(([step, values]) => ({ step, share: median(values) }))
    .filter((s) => s.share >= 0.4)
    .sort((a, b) => b.share - a.share);
}

function mentions(step: StepRecord, other: string): boolean {
  for (const key in step.attributes) {
    const value = step.attributes[key];
    // A string as it is: JSON text of each value (and an entry array per attribute) was most of a pass's insights.
    if (DEPENDENCY_KEYS.test(key) || (typeof value === 'string' ? value : JSON.stringify(value)).includes(other)) return true;
  }
  return false;
}

function serialSiblings(runs: readonly RunRecord[]): TraceInsights['serialSiblings'] {
  const seen = new Map<string, { first: string; second: string; serial: number; total: number; linked: boolean }>();
  for (const run of runs) {
    const byParent = new Map<string, StepRecord[]>();
    for (const step of run.steps) {
      const key = step.parentId ?? '';
      let list = byParent.get(key);
      if (!list) byParent.set(key, (list = []));
      list.push(step);
    }
    for (const siblings of byParent.values()) {
      sortSmall(siblings, (a, b) => a.startMs - b.startMs);
      for (let i = 1; i < siblings.length; i++) {
        const [a, b] = [siblings[i - 1]!, siblings[i]!];
        const key = `${a.name}\u0000${b.name}`;
        let pair = seen.get(key);
        if (!pair) seen.set(key, (pair = { first: a.name, second: b.name, serial: 0, total: 0, linked: false }));
        pair.total++;
        if (b.startMs >= a.endMs - 1) pair.serial++;
        if (!pair.linked && mentions(b, a.name)) pair.linked = true;
      }
    }
  }
  return [...seen.values()]
    .filter((p) => p.total >= 5 && p.serial / p.total >= 0.9 && !p.linked)
    .map(({ first, second }) => ({ first, second }));
}

function futileRetries(runs: readonly RunRecord[]): TraceInsights['futileRetries'] {
  const retried = new Map<string, { runs: number; succeeded: number }>();
  for (const run of runs) {
    for (const step of run.steps) {
      if ((step.attempt ?? 1) <= 1) continue;
      let r = retried.get(step.name);
      if (!r) retried.set(step.name, (r = { runs: 0, succeeded: 0 }));
      r.runs++;
      if (!isFailed(step.status)) r.succeeded++;
    }
  }
  return [...retried]
    .filter(([, r]) => r.runs >= 3 && r.succeeded <= 0.1 * r.runs)
    .map(([step, r]) => ({ step, retriedRuns: r.runs, rescued: r.succeeded }));
}
