import type { Finding, FindingKind } from '../../model/finding.js';
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
  /** The template the identity names, as it is counted now. */
  own: string;
  /** The templates of the messages the finding was last seen with, as they are counted now. */
  templateIds: ReadonlySet<string>;
}

/** By workflow and step (`workflow\nstep`; no step: `workflow\n`). */
export type HeldIdentities = ReadonlyMap<string, readonly HeldIdentity[]>;

const keyOf = (workflow: string, step: string | undefined) => `${workflow}\n${step ?? ''}`;

/** The kinds of the failure detector's findings, the only ones that hold identities. */
export const FAILURE_KINDS = ['error_pattern', 'correlation'] as const satisfies readonly FindingKind[];

/**
 * What the live failure findings (of `FAILURE_KINDS`) hold, from the details the detector stores. `current` gives
 * the id a template is counted under now: the miner merges templates as lines generalise them, and a finding
 * stored before a merge names the retired ids, which no message of this pass carries.
 */
export function heldIdentities(live: readonly Finding[], current: (templateId: string) => string): HeldIdentities {
  const held = new Map<string, HeldIdentity[]>();
  for (const finding of live) {
    const details = finding.evidence.details ?? {};
    const identity = details['identity'];
    // Findings stored before identities were kept have none: their next pass stores one.
    if (typeof identity !== 'string') continue;
    const messages = Array.isArray(details['messages']) ? (details['messages'] as { templateId: string }[]) : [{ templateId: String(details['templateId']) }];
    const entry: HeldIdentity = { identity, own: current(identity), templateIds: new Set(messages.map((m) => current(m.templateId))) };
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

/** A workflow's group of failure messages in a step, with the identity its own first failure gives it. */
export interface IdentifiedGroup {
  step?: string;
  messages: readonly PatternMessage[];
  identity: string;
}

/**
 * Gives a workflow's groups the identities of the live findings they continue, each identity to one group at most:
 * an outage that has split into several would otherwise give them all one key, and the store one finding. A group
 * continues a finding it shares a message with; the pairs are taken best first (a group holding the finding's own
 * message, then one sharing more of its messages; ties by identity, then the groups' order). Greedy, not the most
 * continued: rare splits may leave a finding that could have continued to resolve. A group left over keeps its own
 * identity, its first failure's message, unless a finding last seen without that message was just continued under
 * it: then it takes another of its messages, or the identity marked as a second outage.
 */
export function continueHeld(held: HeldIdentities | undefined, workflow: string, groups: IdentifiedGroup[]): void {
  if (!held) return;
  const pairs: { group: IdentifiedGroup; identity: string; own: boolean; shared: number }[] = [];
  for (const group of groups) {
    for (const candidate of held.get(keyOf(workflow, group.step)) ?? []) {
      const shared = group.messages.filter((m) => candidate.templateIds.has(m.templateId)).length;
      if (shared === 0) continue;
      pairs.push({ group, identity: candidate.identity, own: group.messages.some((m) => m.templateId === candidate.own), shared });
    }
  }
  pairs.sort((a, b) => Number(b.own) - Number(a.own) || b.shared - a.shared || (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0));
  const given = new Set<string>();
  const continued = new Set<IdentifiedGroup>();
  for (const { group, identity } of pairs) {
    if (given.has(identity) || continued.has(group)) continue;
    group.identity = identity;
    given.add(identity);
    continued.add(group);
  }
  for (const group of groups) {
    if (continued.has(group) || !given.has(group.identity)) continue;
    group.identity = group.messages.find((m) => !given.has(m.templateId))?.templateId ?? `${group.identity}|again`;
  }
}
