import { describe, expect, it } from 'vitest';
import { continueHeld, heldIdentities, type IdentifiedGroup } from '../../src/analyse/failures/held-identities.js';
import type { Finding } from '../../src/model/finding.js';

/** A live failure finding of `etl`'s step `load`, keyed on `identity`, last seen with messages of these templates. */
const live = (identity: string, templateIds: string[]) =>
  ({
    kind: 'error_pattern',
    workflow: 'etl',
    rootCause: { step: 'load', attributes: {} },
    evidence: { details: { templateId: templateIds[0], identity, ...(templateIds.length > 1 && { messages: templateIds.map((templateId) => ({ templateId })) }) } },
  }) as unknown as Finding;

/** A group of these messages in a step, its own identity its first message. */
const group = (step: string, ...templateIds: string[]): IdentifiedGroup => ({
  step,
  messages: templateIds.map((templateId) => ({ templateId, template: templateId, failures: 1 })),
  identity: templateIds[0]!,
});

/** The identities of `etl`'s groups once they continue what `findings` hold; `merged`: retired template → successor. */
function identities(findings: Finding[], groups: IdentifiedGroup[], workflow = 'etl', merged = new Map<string, string>()): string[] {
  continueHeld(heldIdentities(findings, (id) => merged.get(id) ?? id), workflow, groups);
  return groups.map((g) => g.identity);
}

describe('the identity a group of failure messages continues', () => {
  it('is that of the live finding it shares a message with, in the same workflow and step', () => {
    const held = [live('refused', ['refused', 'deadline']), live('oom', ['oom'])];
    expect(identities(held, [group('load', 'deadline', 'unavailable'), group('load', 'oom')])).toEqual(['refused', 'oom']);
  });

  it('is its own for new messages, another step or another workflow', () => {
    const held = [live('refused', ['refused', 'deadline'])];
    expect(identities(held, [group('load', 'disk full'), group('extract', 'deadline')])).toEqual(['disk full', 'deadline']);
    expect(identities(held, [group('load', 'deadline')], 'billing')).toEqual(['deadline']);
  });

  it('goes to one group only when the outage has split, the one holding its own message first', () => {
    const held = [live('a', ['a', 'b', 'c', 'd'])];
    expect(identities(held, [group('load', 'b', 'c'), group('load', 'd'), group('load', 'a')])).toEqual(['b', 'd', 'a']);
    expect(identities(held, [group('load', 'b', 'c'), group('load', 'd')])).toEqual(['a', 'd']);
  });

  it('gives a group another identity when its own was just continued by another group', () => {
    // The finding began with message x, and was last seen with y only; x is back, as an outage of its own.
    const held = [live('x', ['y'])];
    expect(identities(held, [group('load', 'x'), group('load', 'y')])).toEqual(['x|again', 'x']);
    expect(identities(held, [group('load', 'x', 'z'), group('load', 'y')])).toEqual(['z', 'x']);
  });

  it('prefers, of two findings, the one whose own message the group still holds', () => {
    const held = [live('refused', ['refused', 'deadline']), live('deadline', ['deadline'])];
    expect(identities(held, [group('load', 'deadline', 'unavailable')])).toEqual(['deadline']);
  });

  it('follows the templates the miner merged since the finding was stored', () => {
    // "order 1 not found" became "order <*> not found" (its own message), and "timeout 30s" became "timeout <*>".
    const held = [live('order-1', ['order-1', 'timeout-30'])];
    const merged = new Map([['order-1', 'order-*'], ['timeout-30', 'timeout-*']]);
    expect(identities(held, [group('load', 'timeout-*'), group('load', 'order-*')], 'etl', merged)).toEqual(['timeout-*', 'order-1']);
    expect(identities(held, [group('load', 'timeout-*')], 'etl', merged)).toEqual(['order-1']);
    expect(identities(held, [group('load', 'timeout-*')])).toEqual(['timeout-*']);
  });
});
