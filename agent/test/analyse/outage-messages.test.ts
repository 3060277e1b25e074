/**
 * One outage often shows several error messages: callers of a service that went down fail with "connection
 * refused" in some runs and "context deadline exceeded" in others. It is one problem, and one finding.
 */
import { describe, expect, it } from 'vitest';
import { analyse, createSession, verifySession } from '../../src/analyse/index.js';
import { seededRandom } from '../../src/analyse/prng.js';
import type { FindingCandidate } from '../../src/model/finding.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { pipelineRun, type StepSpec } from './pipelines.js';
import { minerTemplateOf, newestEnd } from './scenario.js';

const HOUR = 3600_000;
const REFUSED = 'dial tcp 10.4.0.7:443: connect: connection refused';
const DEADLINE = 'context deadline exceeded';
const UNAVAILABLE = 'rpc error: code = Unavailable desc = no healthy upstream';

/** What fails in a run: a step (`charge` or `ship`), its message, and whether its call failed (by default it did). */
type Failing = { step: 'charge' | 'ship'; error: string; callFailed?: boolean } | undefined;

/**
 * Hourly checkout runs, `count` of them, on three hosts: `charge` calls payments.internal, `ship` calls
 * shipping.internal.
 */
function checkout(count: number, failing: (i: number, host: string) => Failing): RunRecord[] {
  const rand = seededRandom(count);
  return Array.from({ length: count }, (_, i) => {
    const host = `ci-${Math.floor(rand() * 3)}`;
    const f = failing(i, host);
    const step = (name: 'charge' | 'ship', calls: string): StepSpec =>
      f?.step === name ? { name, ms: 4000, calls: [calls], failingCalls: f.callFailed === false ? [] : [calls], error: f.error } : { name, ms: 4000, calls: [calls] };
    const steps = [{ name: 'cart', ms: 2000 }, step('charge', 'payments.internal'), step('ship', 'shipping.internal')];
    return pipelineRun('checkout', i, i * HOUR, f ? steps.slice(0, steps.findIndex((s) => s.error) + 1) : steps, { 'host.name': host });
  });
}

function failureFindings(runs: RunRecord[]): FindingCandidate[] {
  return analyse({ nowMs: newestEnd(runs), runs, templateOf: minerTemplateOf(), config: {} }).candidates.filter((c) => c.kind === 'error_pattern' || c.kind === 'correlation');
}

const charge = (error: string): Failing => ({ step: 'charge', error });

describe('an outage that shows several messages', () => {
  it('is one finding, titled by the commonest message and naming the others with their counts', () => {
    // From run 280 payments.internal is down: its callers are refused, time out, or find no healthy upstream.
    const rand = seededRandom(7);
    const runs = checkout(300, (i) => {
      if (i < 280) return undefined;
      const r = rand();
      return charge(r < 0.5 ? REFUSED : r < 0.8 ? DEADLINE : UNAVAILABLE);
    });
    const failed = runs.filter((r) => r.status !== 'success');
    const count = (m: string) => failed.filter((r) => r.steps.some((s) => s.errorMessage === m)).length;
    const found = failureFindings(runs);
    expect(found).toHaveLength(1);
    const [c] = found;
    // Every refusal named the same address: the title says it (the pattern keeps it masked).
    expect(c!.title).toBe('`checkout` fails in step `charge` when calls to `payments.internal` fail: dial tcp 10.4.0.7:443: connect: connection refused');
    expect(c!.evidence.affectedRuns).toBe(20);
    expect(c!.rootCause.description).toBe(
      `Runs fail with "dial tcp <*>: connect: connection refused" (${count(REFUSED)}), "${DEADLINE}" (${count(DEADLINE)}) and "${UNAVAILABLE}" (${count(UNAVAILABLE)}) in step \`charge\` ` +
        'when downstream.error=payments.internal, downstream.failing=payments.internal.',
    );
    expect(c!.evidence.details!['messages']).toEqual([
      { templateId: expect.any(String), pattern: 'dial tcp <*>: connect: connection refused', failures: count(REFUSED) },
      { templateId: expect.any(String), pattern: DEADLINE, failures: count(DEADLINE) },
      { templateId: expect.any(String), pattern: UNAVAILABLE, failures: count(UNAVAILABLE) },
    ]);
    expect(count(REFUSED) > count(DEADLINE) && count(DEADLINE) > count(UNAVAILABLE)).toBe(true);
  });

  it("is one problem to a troubleshooting session: the fix fails when any of the outage's messages comes back", () => {
    const rand = seededRandom(7);
    const runs = checkout(300, (i) => (i < 280 ? undefined : charge(rand() < 0.6 ? REFUSED : DEADLINE)));
    const templateOf = minerTemplateOf();
    const nowMs = newestEnd(runs);
    const { candidates } = analyse({ nowMs, runs, templateOf, config: {} });
    // The engineer pastes the commonest message only.
    const session = createSession({ workflow: 'checkout', nowMs, runs, candidates, errorLogs: REFUSED, templateOf });
    expect(session.hypotheses[0]!.matchesLogs).toBe(true);
    expect(session.criteria.absentTemplateIds).toEqual(expect.arrayContaining([templateOf(REFUSED).templateId, templateOf(DEADLINE).templateId]));
    // After the "fix": the service still times out in one run.
    const after = checkout(320, (i) => (i === 310 ? charge(DEADLINE) : undefined))
      .slice(300)
      .map((r) => ({ ...r, startMs: r.startMs + 40 * HOUR, endMs: r.endMs + 40 * HOUR }));
    const verification = verifySession(session, after, templateOf);
    expect(verification.checks.find((c) => c.name === 'pattern_absent')).toMatchObject({ passed: false, detail: '1 runs failed with the old error again' });
  });

  it('is one finding when nothing but the step and the onset tie its messages together', () => {
    // A runner that records no failing calls: from run 280 every run is refused or times out, on any host.
    const rand = seededRandom(11);
    const runs = checkout(300, (i) => (i < 280 ? undefined : { step: 'charge', error: rand() < 0.6 ? REFUSED : DEADLINE, callFailed: false }));
    const found = failureFindings(runs);
    expect(found.map((c) => [c.kind, c.rootCause.step, c.evidence.affectedRuns, c.rootCause.attributes])).toEqual([['error_pattern', 'charge', 20, {}]]);
    expect(found[0]!.rootCause.description).toMatch(/^Runs fail with "dial tcp <\*>: connect: connection refused" \(\d+\) and "context deadline exceeded" \(\d+\) in step `charge`; no attribute/);
  });

  it('keeps its identity as messages join it, the commonest changes and the first stops', () => {
    // Refused alone for five runs; then one run in three times out; from run 300 most do; from run 310 all do.
    const failing = (i: number): Failing => {
      if (i < 280) return undefined;
      if (i < 285) return charge(REFUSED);
      if (i < 300) return charge(i % 3 === 0 ? DEADLINE : REFUSED);
      if (i < 310) return charge(i % 4 === 0 ? REFUSED : DEADLINE);
      return charge(DEADLINE);
    };
    const passes = [285, 292, 305, 325].map((count) => failureFindings(checkout(count, failing)));
    for (const found of passes) expect(found).toHaveLength(1);
    const [first, ...later] = passes.map((found) => found[0]!);
    for (const c of later) expect(c.fingerprint).toBe(first!.fingerprint);
    expect(passes.map((found) => found[0]!.rootCause.pattern)).toEqual([
      'dial tcp <*>: connect: connection refused',
      'dial tcp <*>: connect: connection refused',
      'dial tcp <*>: connect: connection refused',
      DEADLINE,
    ]);
    expect(passes[3]![0]!.evidence.details!['messages']).toEqual([
      { templateId: expect.any(String), pattern: DEADLINE, failures: 27 },
      { templateId: expect.any(String), pattern: 'dial tcp <*>: connect: connection refused', failures: 18 },
    ]);
  });
});

describe('messages of different problems', () => {
  it('stay apart when they come from different steps', () => {
    const rand = seededRandom(3);
    const runs = checkout(300, (i) => (i < 280 ? undefined : rand() < 0.6 ? charge(REFUSED) : { step: 'ship', error: DEADLINE }));
    expect(failureFindings(runs).map((c) => c.rootCause.step).sort()).toEqual(['charge', 'ship']);
  });

  it('stay apart when something else sets one of them apart', () => {
    // From run 280 payments.internal refuses every call; on host ci-1 `charge` often runs out of memory before.
    const rand = seededRandom(5);
    const runs = checkout(300, (i, host) =>
      i < 280 ? undefined : host === 'ci-1' && rand() < 0.5 ? { step: 'charge', error: 'Killed: out of memory (exit code 137)', callFailed: false } : charge(REFUSED),
    );
    const found = failureFindings(runs).sort((x, y) => (x.rootCause.pattern! < y.rootCause.pattern! ? -1 : 1));
    expect(found.map((c) => [c.rootCause.pattern, c.rootCause.attributes])).toEqual([
      ['Killed: out of memory (exit code <*>)', { 'host.name': 'ci-1' }],
      ['dial tcp <*>: connect: connection refused', { 'downstream.error': 'payments.internal' }],
    ]);
  });

  it('stay apart when nothing explains the outage but something explains the other message', () => {
    // From run 280 `charge` rejects half the orders; on host ci-1 it also runs out of memory now and then.
    const rand = seededRandom(2);
    const runs = checkout(300, (i, host) => {
      if (i < 280) return undefined;
      if (host === 'ci-1' && rand() < 0.5) return { step: 'charge', error: 'Killed: out of memory (exit code 137)', callFailed: false };
      return rand() < 0.5 ? { step: 'charge', error: "ValidationError: field 'amount' must be positive", callFailed: false } : undefined;
    });
    const found = failureFindings(runs).sort((x, y) => (x.rootCause.pattern! < y.rootCause.pattern! ? -1 : 1));
    expect(found.map((c) => [c.rootCause.pattern, c.rootCause.attributes])).toEqual([
      ['Killed: out of memory (exit code <*>)', { 'host.name': 'ci-1' }],
      ["ValidationError: field 'amount' must be positive", {}],
    ]);
  });

  it('stay apart when they have been mixed at a steady rate all along', () => {
    // One run in four fails calling payments.internal, each time with the next of four messages: no outage began.
    const messages = [REFUSED, DEADLINE, UNAVAILABLE, 'HTTP 502 Bad Gateway'];
    const runs = checkout(300, (i) => (i % 4 === 1 ? charge(messages[Math.floor(i / 4) % 4]!) : undefined));
    expect(failureFindings(runs).map((c) => c.evidence.affectedRuns).sort()).toEqual([18, 19, 19, 19]);
  });

  it('stay apart when the second began well after the first', () => {
    // Every other run is refused from run 200; from run 280 the runs between time out.
    const runs = checkout(300, (i) => (i >= 200 && i % 2 === 0 ? charge(REFUSED) : i >= 280 ? charge(DEADLINE) : undefined));
    const found = failureFindings(runs);
    expect(found.map((c) => [c.rootCause.pattern, c.evidence.affectedRuns]).sort()).toEqual([
      [DEADLINE, 10],
      ['dial tcp <*>: connect: connection refused', 50],
    ]);
    for (const c of found) expect(c.evidence.details!['messages']).toBeUndefined();
  });

  it('stay apart for a long-standing rare error next to a new outage', () => {
    // One run in twenty has been reset for two weeks; from run 285 every run is refused.
    const runs = checkout(300, (i) => (i >= 285 ? charge(REFUSED) : i % 20 === 3 ? charge('read tcp 10.4.0.7:443: connection reset by peer') : undefined));
    const found = failureFindings(runs);
    expect(found.map((c) => [c.rootCause.pattern, c.evidence.affectedRuns]).sort()).toEqual([
      ['dial tcp <*>: connect: connection refused', 15],
      ['read tcp <*>: connection reset by peer', 15],
    ]);
  });
});
