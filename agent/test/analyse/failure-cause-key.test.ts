/**
 * Only one finding of a cause can be keyed on the cause alone; when one workflow fails in two steps for one cause,
 * the other keeps its workflow's key. Which is which must not change as their sizes change places, or each finding
 * would take over the other's identity (and history) from one pass to the next.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import { pipelineRun, type StepSpec } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const ERRORS = { charge: 'Killed: out of memory (exit code 137)', ship: 'No space left on device' };

/** Hourly checkout runs on three hosts; from run 250 runs on ci-2 fail, in `charge` mostly at first, later in `ship`. */
function checkout(count: number) {
  const rand = seededRandom(9);
  return Array.from({ length: count }, (_, i) => {
    const host = `ci-${Math.floor(rand() * 3)}`;
    const failing = i < 250 || host !== 'ci-2' ? undefined : i < 300 ? (i % 4 === 0 ? 'ship' : 'charge') : i % 3 === 0 ? 'charge' : 'ship';
    const step = (name: 'charge' | 'ship'): StepSpec => ({ name, ms: 4000, ...(failing === name ? { error: ERRORS[name] } : {}) });
    const steps = [{ name: 'cart', ms: 2000 }, step('charge'), step('ship')];
    return pipelineRun('checkout', i, i * HOUR, failing ? steps.slice(0, steps.findIndex((s) => s.error) + 1) : steps, { 'host.name': host });
  });
}

describe('two findings of one cause in one workflow', () => {
  it('keep their identities as the later one outgrows the first', () => {
    const passes = [350, 400, 450].map((count) => {
      const runs = checkout(count);
      const found = analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates.filter((c) => c.kind === 'correlation');
      return Object.fromEntries(found.map((c) => [c.rootCause.step, { fingerprint: c.fingerprint, failures: c.evidence.affectedRuns }]));
    });
    // Both are explained by the host, and `ship` has caught up with `charge`.
    expect(passes[0]!['charge']!.failures).toBeGreaterThan(passes[0]!['ship']!.failures);
    expect(passes[2]!['ship']!.failures).toBeGreaterThan(passes[2]!['charge']!.failures);
    for (const found of passes) {
      expect(found['charge']!.fingerprint).toBe('correlation|*|host.name=ci-2');
      expect(found['ship']!.fingerprint).toBe(passes[0]!['ship']!.fingerprint);
    }
  });
});
