import type { Finding } from '../../model/finding.js';
import type { PatternMessage } from './patterns.js';

/**
 * The identities live failure findings hold, so that a pass keeps an outage's key while its messages turn over.
 * One pass alone takes an outage's identity from the message it began with in the window; once the window has
 * slid past that message (an outage longer than the window whose messages changed), it would take another, and
 * the same outage would page again as a new finding. A live finding's identity and the messages it was last seen
 * with say which outage a group of messages continues.
 */
export interface HeldIdentity {
  identity: string;
  /** The templates of the messages the finding was last seen with. */
  templateIds: ReadonlySet<string>;
}

/** By workflow and step (`workflow\nstep`; no step: `workflow\n`). */
export type HeldIdentities = ReadonlyMap<string, readonly HeldIdentity[]>;

const keyOf = (workflow: string, step: string | undefined) => `${workflow}\n${step ?? ''}`;

/** What the live failure findings (`error_pattern` and `correlation`) hold, from the details the detector stores. */
export function heldIdentities(live: readonly Finding[]): HeldIdentities {
  const held = new Map<string, HeldIdentity[]>();
  for (const finding of live) {
    if (finding.kind !== 'error_pattern' && finding.kind !== 'correlation') continue;
    const details = finding.evidence.details ?? {};
    const identity = details['identity'];
    // Findings stored before identities were kept have none: their next pass stores one.
    if (typeof identity !== 'string') continue;
    const messages = Array.isArray(details['messages']) ? (details['messages'] as { templateId: string }[]) : [{ templateId: String(details['templateId']) }];
    const entry: HeldIdentity = { identity, templateIds: new Set(messages.map((m) => m.templateId)) };
    const steps = Array.isArray(details['perWorkflow'])
      ? (details['perWorkflow'] as { workflow: string; step?: string }[])
      : [{ workflow: finding.workflow, step: finding.rootCause.step }];
    for (const { workflow, step } of steps) {
      const key = keyOf(workflow, step);
      const list = held.get(key);
      if (list) list.push(entry);
      else held.set(key, [entry]);
    }
  }
  return held;
}

/**
 * The identity a workflow's group of messages in a step continues: that of a live finding sharing a message with it
 * (the one sharing most; its own identity among the messages first), or undefined when it continues none.
 */
export function heldIdentityOf(held: HeldIdentities | undefined, workflow: string, step: string | undefined, messages: readonly PatternMessage[]): string | undefined {
  let best: HeldIdentity | undefined;
  let bestScore = 0;
  for (const candidate of held?.get(keyOf(workflow, step)) ?? []) {
    const shared = messages.filter((m) => candidate.templateIds.has(m.templateId)).length;
    const score = shared === 0 ? 0 : shared + (messages.some((m) => m.templateId === candidate.identity) ? messages.length : 0);
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best?.identity;
}
