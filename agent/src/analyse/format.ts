import type { FindingKind } from '../model/finding.js';
import type { RunRecord } from '../model/workflow.js';

/** Human figures for titles and summaries. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 1) return `${Math.round(ms)} ms`;
  if (s < 120) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** '2026-11-20 14:05 UTC': every time a title, summary or session states carries its zone, said the same way. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How many times over a budget was spent, given what is left of it (a fraction, below zero once overspent): '40.6×'. */
export const timesSpent = (remaining: number) => `${(1 - remaining).toFixed(1)}×`;

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)} %`;
}

/** A p-value as people read it: 'p < 0.001' below that (a p of 0 printed as 0.0e+0 read as a glitch), else two figures. */
export function pValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** kind + workflow(s) + cause, never times or counts, so the same problem keeps its identity across passes. */
export function fingerprint(kind: FindingKind, workflows: readonly string[], cause: string): string {
  return `${kind}|${[...workflows].sort().join(',')}|${cause}`;
}

/** Up to five run ids (as `/api/v1/runs/{id}` takes them), newest first: what the on-call engineer opens first. */
export function exampleRunIds(runs: readonly Pick<RunRecord, 'id' | 'startMs'>[]): string[] {
  return [...runs].sort((a, b) => b.startMs - a.startMs).slice(0, 5).map((r) => r.id);
}

/** Up to five distinct error lines, newest first. */
export function distinctLines(lines: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    if (out.size >= 5) break;
    out.add(line.length > 300 ? `${line.slice(0, 297)}...` : line);
  }
  return [...out];
}

/**
 * One of a finding's evidence figures as a reader says it, named by its key: `waitP50Ms` 4000 → 'wait p50' '4.0 s',
 * `failureShare` 0.25 → '25 %', an ISO time in its zone. The keys' unit suffixes are what the figures mean.
 */
export function describeFigure(key: string, value: number | string): { label: string; value: string } {
  const label = key
    .replace(/^seconds|Seconds$|Ms$|MsPer[A-Z][a-z]+$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return { label, value: typeof value === 'string' ? stringFigure(value) : numberFigure(key, value) };
}

function numberFigure(key: string, value: number): string {
  if (/^seconds|Seconds$/.test(key)) return formatDuration(value * 1000);
  if (/Ms$/.test(key)) return formatDuration(value);
  const per = /MsPer([A-Z][a-z]+)$/.exec(key);
  if (per) return `${formatDuration(value)} per ${per[1]!.toLowerCase()}`;
  if (/(Share|Ratio|Rate)$/.test(key) && Math.abs(value) <= 1) return percent(value);
  // A budget overspent 40 times over reads as such, not as '-3900 %'; an SLO's own figures are in percent already.
  if (/Remaining$/.test(key)) return value > 0 ? percent(value) : `none (${timesSpent(value)} spent)`;
  if (/^(sli|objective)$/.test(key)) return `${value} %`;
  return String(value);
}

const stringFigure = (value: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value)) ? utcTime(Date.parse(value)) : value);
