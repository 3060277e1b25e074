import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/index.js';
import { exception, permutations, span } from './helpers.js';

/** Seven spans exercising every path: two runs, attempts, a downstream call, error origins. */
const small = [
  span({ id: '1', name: 'RunWorkflow:Billing', kind: 2, start: 0, end: 100, status: 2, attributes: { temporalRunID: 'r1' }, events: [exception('WorkflowError', 'outer')] }),
  span({ id: '2', parent: '1', name: 'StartActivity:Charge', kind: 3, start: 1, end: 2 }),
  span({ id: '3', parent: '2', name: 'RunActivity:Charge', kind: 2, start: 3, end: 20, status: 2, events: [exception('Declined', 'first')] }),
  span({ id: '4', parent: '2', name: 'RunActivity:Charge', kind: 2, start: 30, end: 60, status: 2, events: [exception('Declined', 'second')] }),
  span({ id: '5', parent: '4', name: 'INSERT', kind: 3, start: 31, end: 40, status: 2, attributes: { 'db.system': 'mysql', 'error.type': 'ER_LOCK_WAIT_TIMEOUT' } }),
  span({ id: '6', parent: '1', name: 'StartChildWorkflow:Receipt', kind: 3, start: 61, end: 90 }),
  span({ id: '7', parent: '6', name: 'RunWorkflow:Receipt', kind: 2, start: 62, end: 89, attributes: { temporalRunID: 'r2' } }),
];

/** A small deterministic PRNG so shuffles are reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A copy as a re-send would bring it: equal content, distinct objects. */
const resent = (s: OtlpSpan): OtlpSpan => ({ ...s, attributes: { ...s.attributes }, events: [...s.events] });

describe('order and duplication invariance', () => {
  const expected = modelTrace(small);

  it('models the reference trace as two runs with the deepest failure as origin', () => {
    expect(expected.map((r) => [r.workflow, r.status, r.errorType, r.steps.map((s) => `${s.name}:${s.status}:${s.attempt}`)])).toEqual([
      ['Billing', 'failure', 'ER_LOCK_WAIT_TIMEOUT', ['Charge:failure:2', 'Receipt:success:undefined']],
      ['Receipt', 'success', undefined, []],
    ]);
  });

  it('gives the same runs for every order of the spans (all 5040), with duplicates added', () => {
    for (const order of permutations(small)) {
      expect(modelTrace(order)).toEqual(expected);
      expect(modelTrace([...order, resent(order[0]!), resent(order[3]!)])).toEqual(expected);
    }
  });

  it('gives the same runs when a trace arrives in batches, re-sent and shuffled', () => {
    const random = prng(7);
    for (let round = 0; round < 200; round++) {
      const arrived: OtlpSpan[] = [];
      for (const s of shuffled(small, random)) {
        arrived.push(s);
        if (random() < 0.3) arrived.push(resent(arrived[Math.floor(random() * arrived.length)]!));
        modelTrace(arrived);
      }
      expect(modelTrace(shuffled(arrived, random))).toEqual(expected);
    }
  });

  it('picks the same copy of a span sent twice with different content, whatever the order', () => {
    const early = span({ id: '1', name: 'RunWorkflow:Billing', start: 0, end: 50, attributes: { temporalRunID: 'r1' } });
    const late = { ...early, endMs: 100, statusCode: 2 };
    expect(modelTrace([early, late])).toEqual(modelTrace([late, early]));
    expect(modelTrace([late, early])[0]).toMatchObject({ endMs: 100, status: 'failure' });
  });
});
