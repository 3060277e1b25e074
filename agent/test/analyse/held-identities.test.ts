import { describe, expect, it } from 'vitest';
import { heldIdentities, heldIdentityOf } from '../../src/analyse/failures/held-identities.js';
import type { Finding } from '../../src/model/finding.js';

/** A live failure finding of `etl`'s step `load`, keyed on `identity`, last seen with messages of these templates. */
const live = (identity: string, templateIds: string[]) =>
  ({
    kind: 'error_pattern',
    workflow: 'etl',
    rootCause: { step: 'load', attributes: {} },
    evidence: { details: { templateId: templateIds[0], identity, ...(templateIds.length > 1 && { messages: templateIds.map((templateId) => ({ templateId })) }) } },
  }) as unknown as Finding;

const messages = (...templateIds: string[]) => templateIds.map((templateId) => ({ templateId, template: templateId, failures: 1 }));

describe('the identity a group of failure messages continues', () => {
  const held = heldIdentities([live('refused', ['refused', 'deadline']), live('oom', ['oom'])]);

  it('is the live finding it shares a message with, in the same workflow and step', () => {
    expect(heldIdentityOf(held, 'etl', 'load', messages('deadline', 'unavailable'))).toBe('refused');
    expect(heldIdentityOf(held, 'etl', 'load', messages('oom'))).toBe('oom');
  });

  it('is none for new messages, another step or another workflow', () => {
    expect(heldIdentityOf(held, 'etl', 'load', messages('disk full'))).toBeUndefined();
    expect(heldIdentityOf(held, 'etl', 'extract', messages('deadline'))).toBeUndefined();
    expect(heldIdentityOf(held, 'billing', 'load', messages('deadline'))).toBeUndefined();
  });

  it('prefers the finding whose own message is still among them', () => {
    const two = heldIdentities([live('refused', ['refused', 'deadline']), live('deadline', ['deadline'])]);
    expect(heldIdentityOf(two, 'etl', 'load', messages('deadline', 'unavailable'))).toBe('deadline');
  });
});
