import { describe, expect, it } from 'vitest';
import { CountedRuns, type CountedRun } from '../../src/export/counted-runs.js';

const withSteps = (count: number): CountedRun => ({ waited: false, steps: new Map(Array.from({ length: count }, (_, i) => [`s${i}`, false])) });

describe('runs remembered for counting late steps', () => {
  it('forgets the oldest runs once their steps pass the bound, however few runs that is', () => {
    const counted = new CountedRuns(10_000, 1_000);
    for (let i = 0; i < 5; i++) counted.add(`r${i}`, withSteps(300));
    // 1,500 steps in five runs: the two oldest are forgotten, the newest three (900 steps) kept.
    expect([0, 1, 2, 3, 4].map((i) => counted.take(`r${i}`) !== undefined)).toEqual([false, false, true, true, true]);
  });

  it('counts the steps a remembered run gains', () => {
    const counted = new CountedRuns(10_000, 1_000);
    counted.add('old', withSteps(400));
    const grown = withSteps(400);
    counted.add('new', grown);
    counted.take('new');
    for (let i = 400; i < 700; i++) grown.steps!.set(`s${i}`, false);
    counted.grew(300);
    expect(counted.take('old')).toBeUndefined();
    expect(counted.take('new')).toBe(grown);
  });
});

describe('runs remembered, oldest first', () => {
  it('forgets the run counted longest ago, a run taken since counting as new', () => {
    const counted = new CountedRuns(3, 1_000);
    for (const id of ['a', 'b', 'c']) counted.add(id, withSteps(1));
    counted.take('a');
    counted.add('d', withSteps(1));
    counted.add('e', withSteps(1));
    expect(['a', 'b', 'c', 'd', 'e'].filter((id) => counted.take(id) !== undefined)).toEqual(['a', 'd', 'e']);
    // Taken in that order, 'a' is now the oldest again.
    counted.add('f', withSteps(1));
    expect(['a', 'd', 'e', 'f'].filter((id) => counted.take(id) !== undefined)).toEqual(['d', 'e', 'f']);
  });
});
