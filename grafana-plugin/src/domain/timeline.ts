import type { RunStep, TimelinePoint } from '../api/types.js';

/** A span of time in epoch milliseconds: a run's, parsed once for all of its steps, or a timeline's. */
export interface RunSpan {
  startMs: number;
  endMs: number;
}

/** Where a step's bar sits in its run's timeline. */
export interface TimelineBar {
  /** Seconds from the run's start to the step's, as far as the bar shows it. */
  offsetSeconds: number;
  /** The bar's start and length in percent of the run's span (0–100). */
  left: number;
  width: number;
}

export function runSpan(run: { startTime: string; endTime: string }): RunSpan {
  return { startMs: Date.parse(run.startTime), endMs: Date.parse(run.endTime) };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * A step's bar within its run's span. Workers' clocks disagree by a little, so a step may seem to start before its
 * run or end after it: the bar is clamped into the run, and into nothing when the run took no time.
 */
export function timelineBar({ startMs, endMs }: RunSpan, step: Pick<RunStep, 'startTime' | 'durationSeconds'>): TimelineBar {
  const span = Math.max(0, endMs - startMs);
  const stepStart = Date.parse(step.startTime);
  const from = clamp(stepStart - startMs, 0, span);
  const to = clamp(stepStart - startMs + step.durationSeconds * 1000, from, span);
  const percent = (ms: number) => (span > 0 ? (ms / span) * 100 : 0);
  return { offsetSeconds: from / 1000, left: percent(from), width: percent(to - from) };
}

/**
 * Where an instant falls across a workflow's timeline, in percent of the chart's width (0–100). The points start
 * equal slices, drawn side by side from the left as RunBars and DurationLines draw them; undefined outside the
 * slices, and with fewer than two points, which leave the slices' length unknown.
 */
export function timelinePosition(points: ReadonlyArray<Pick<TimelinePoint, 't'>>, at: string): number | undefined {
  const span = timelineSpan(points);
  if (!span) {
    return undefined;
  }
  const offset = Date.parse(at) - span.startMs;
  return offset >= 0 && offset < span.endMs - span.startMs ? (offset / (span.endMs - span.startMs)) * 100 : undefined;
}

/** The time a workflow's timeline covers: from its first slice's start to its last slice's end; undefined as above. */
export function timelineSpan(points: ReadonlyArray<Pick<TimelinePoint, 't'>>): RunSpan | undefined {
  if (points.length < 2) {
    return undefined;
  }
  const startMs = Date.parse(points[0]!.t);
  return { startMs, endMs: startMs + (Date.parse(points[1]!.t) - startMs) * points.length };
}
