import { describe, expect, it } from 'vitest';
import { analyseScenario, atLeastMedium } from './scenario.js';

/**
 * Noise control: eleven workflows with ordinary duration jitter and 1–2 % transient failures with varied messages,
 * and nothing wrong. Nothing may be reported at medium or worse, whatever the seed.
 */
describe('healthy workflows with transient noise', () => {
  it.each([
    [1, 0.01],
    [2, 0.01],
    [3, 0.02],
    [4, 0.02],
  ])('raise no finding of medium severity or worse (seed %i, %d transient failures)', (seed, noise) => {
    const { out } = analyseScenario(seed, [], {}, 1, noise);
    expect(out.candidates.filter(atLeastMedium).map((c) => c.title)).toEqual([]);
    for (const [workflow, health] of out.health) expect(health.status, workflow).toBe('healthy');
  });
});
