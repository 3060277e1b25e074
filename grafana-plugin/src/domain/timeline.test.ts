import { describe, expect, it } from 'vitest';

import { runSpan, timelineBar, timelinePosition } from './timeline.js';

// A run of 100 s, so that seconds into it read as percent.
const run = runSpan({ startTime: '2026-11-21T23:00:00.000Z', endTime: '2026-11-21T23:01:40.000Z' });
const at = (second: number) => new Date(Date.UTC(2026, 10, 21, 23, 0, second)).toISOString();

describe("a step's bar in its run's timeline", () => {
  it('starts at the offset from the run start and is as wide as the step ran, in percent of the run', () => {
    expect(timelineBar(run, { startTime: at(25), durationSeconds: 50 })).toEqual({ offsetSeconds: 25, left: 25, width: 50 });
  });

  it('is clamped into the run when a worker’s clock puts the step before the run start', () => {
    expect(timelineBar(run, { startTime: at(-10), durationSeconds: 30 })).toEqual({ offsetSeconds: 0, left: 0, width: 20 });
  });

  it('is clamped into the run when the step ends, or even starts, after the run end', () => {
    expect(timelineBar(run, { startTime: at(90), durationSeconds: 30 })).toEqual({ offsetSeconds: 90, left: 90, width: 10 });
    expect(timelineBar(run, { startTime: at(120), durationSeconds: 5 })).toEqual({ offsetSeconds: 100, left: 100, width: 0 });
  });

  it('has no width for a step that took no time', () => {
    expect(timelineBar(run, { startTime: at(40), durationSeconds: 0 })).toEqual({ offsetSeconds: 40, left: 40, width: 0 });
  });

  it('fills nothing in a run that took no time', () => {
    const instant = runSpan({ startTime: at(0), endTime: at(0) });
    expect(timelineBar(instant, { startTime: at(0), durationSeconds: 0 })).toEqual({ offsetSeconds: 0, left: 0, width: 0 });
    expect(timelineBar(instant, { startTime: at(3), durationSeconds: 2 })).toEqual({ offsetSeconds: 0, left: 0, width: 0 });
  });
});

describe("an instant's position across a workflow's timeline", () => {
  // Four slices of an hour from midnight, so that a quarter of an hour reads as 6.25 percent.
  const points = [0, 1, 2, 3].map((hour) => ({ t: new Date(Date.UTC(2026, 10, 21, hour)).toISOString() }));
  const time = (hour: number, minute = 0, second = 0) => new Date(Date.UTC(2026, 10, 21, hour, minute, second)).toISOString();

  it('is its offset from the first slice start in percent of all slices together, within a slice as well as at its start', () => {
    expect(timelinePosition(points, time(0))).toBe(0);
    expect(timelinePosition(points, time(0, 15))).toBe(6.25);
    expect(timelinePosition(points, time(2))).toBe(50);
    expect(timelinePosition(points, time(2, 6))).toBe(52.5);
    expect(timelinePosition(points, time(3, 59, 24))).toBe(99.75);
  });

  it('is undefined before the first slice and from the end of the last one on', () => {
    expect(timelinePosition(points, time(0, 0, -1))).toBeUndefined();
    expect(timelinePosition(points, time(4))).toBeUndefined();
    expect(timelinePosition(points, time(30))).toBeUndefined();
  });

  it('is undefined when fewer than two points leave the slices’ length unknown', () => {
    expect(timelinePosition([], time(0))).toBeUndefined();
    expect(timelinePosition(points.slice(0, 1), time(0, 15))).toBeUndefined();
  });
});
