import { describe, expect, it } from 'vitest';
import { analyseScenario, atLeastMedium } from './scenario.js';

/**
 * Noise control: eleven workflows with ordinary duration jitter and 1 % transient failures with varied messages,
 * and nothing wrong. Nothing may be reported at medium or worse, whatever the seed.
 */
describe('healthy workflows with transient noise', () => {
  it.each([1, 2, 3, 4])('raise no finding of medium severity or worse (seed %i)', (seed) => {
    const { out } = analyseScenario(seed, []);
    expect(out.candidates.filter(atLeastMedium).map((c) => c.title)).toEqual([]);
    for (const [workflow, health] of out.health) expect(health.status, workflow).toBe('healthy');
  });
});
