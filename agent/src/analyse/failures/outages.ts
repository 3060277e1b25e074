import type { RunRecord } from '../../model/workflow.js';
import type { AnalysisContext, Failure, WorkflowHistory } from '../context.js';
import { runItems } from '../correlation/attributes.js';
import type { Explanation } from '../correlation/explain.js';
import { mostCommon, rateRise } from '../stats.js';
import { explainFailures } from './explain-failures.js';

/**
 * A later message of the same outage would be missing from this many of its failures in a row, before its first,
 * at most this often: a message that began later than that began with something else.
 */
const LATE_CHANCE = 0.001;
/** The fewest failures after a later message's first that its share is measured on. */
const SHARE_WINDOW = 10;

/** One message's failures (oldest first) and the step most of them came from. */
interface Message {
  failures: Failure[];
  step: string | undefined;
  /** Whether something explains this message by itself, worked out once, when first asked. */
  explained?: boolean;
}

/** An outage's messages (each one's failures, oldest first), the largest first. */
export interface Outage {
  messages: Failure[][];
  /** What explains all its failures, when it was worked out while messages joined it (`explainFailures`). */
  explanations?: Explanation[];
}

/**
 * The workflow's messages (each one template's failures, oldest first) as outages: one outage often shows several
 * messages ("connection refused" in some runs, "context deadline exceeded" in others), and is one problem. Messages
 * join the largest when they come from the same step, began with it (together they rose then), and share what sets
 * its runs apart (the same downstream, host…; or, when nothing does, nothing either).
 */
export function outagesOf(
  messages: readonly Failure[][],
  history: WorkflowHistory,
  indexOf: ReadonlyMap<RunRecord, number>,
  ctx: AnalysisContext,
): Outage[] {
  const remaining: Message[] = messages
    .map((failures) => ({ failures, step: mostCommon(failures.map((f) => f.step?.name)) }))
    .sort((a, b) => b.failures.length - a.failures.length || indexOf.get(a.failures[0]!.run)! - indexOf.get(b.failures[0]!.run)!);
  const outages: Outage[] = [];
  while (remaining.length > 0) {
    const lead = remaining.shift()!;
    const outage = [lead.failures];
    let failures = lead.failures;
    // What explains the outage's failures so far, worked out only when a message may join it.
    let explanations: Explanation[] | undefined;
    for (let i = 0; i < remaining.length; i++) {
      const other = remaining[i]!;
      if (other.step !== lead.step || !beganTogether(failures, other.failures, indexOf)) continue;
      const joined = [...failures, ...other.failures].sort((a, b) => indexOf.get(a.run)! - indexOf.get(b.run)!);
      // Together they became more frequent at some point, as an outage begins: errors mixed at a steady rate over the
      // whole history (a bad builder failing one run in four, each time differently) have no onset to share.
      if (riseOf(joined, indexOf, history.runs.length) === undefined) continue;
      explanations ??= explainFailures(history, failures, ctx);
      // When nothing explains the outage: what explains the messages together, the outage's own should this one join.
      const together = explanations.length > 0 ? undefined : explainFailures(history, joined, ctx);
      if (!sameCause(failures, explanations, together?.[0], other, history, ctx)) continue;
      outage.push(other.failures);
      failures = joined;
      explanations = together;
      remaining.splice(i--, 1);
    }
    outages.push(explanations ? { messages: outage, explanations } : { messages: outage });
  }
  return outages;
}

/**
 * Whether two messages began together: the one that began later would rarely have missed, at its share of the
 * failures right after its first, all the failures of the earlier one before its first. A rare error seen weeks
 * before an outage, or an outage's second message appearing only hours into it, began apart.
 */
function beganTogether(a: readonly Failure[], b: readonly Failure[], indexOf: ReadonlyMap<RunRecord, number>): boolean {
  const at = (f: Failure) => indexOf.get(f.run)!;
  const [early, late] = at(a[0]!) <= at(b[0]!) ? [a, b] : [b, a];
  const lateFrom = at(late[0]!);
  const before = early.filter((f) => at(f) < lateFrom).length;
  // Right after: later in an outage one message may take over from the others.
  const next = [...early.slice(before).map((f) => ({ late: false, i: at(f) })), ...late.map((f) => ({ late: true, i: at(f) }))]
    .sort((x, y) => x.i - y.i)
    .slice(0, Math.max(before, SHARE_WINDOW));
  const lateShare = next.filter((x) => x.late).length / next.length;
  return (1 - lateShare) ** before >= LATE_CHANCE;
}

/** The index of the run from which the failures among `runs` became more frequent, if they did (`rateRise`). */
export function riseOf(failures: readonly Failure[], indexOf: ReadonlyMap<RunRecord, number>, runs: number): number | undefined {
  const flags = new Array<boolean>(runs).fill(false);
  for (const f of failures) flags[indexOf.get(f.run)!] = true;
  return rateRise(flags);
}

/**
 * Whether a message shares the outage's cause: most of its failures carry what explains the outage, or, when nothing
 * explains the outage by itself (its messages may split it too finely), what explains them together. When nothing
 * explains either, the message must not be explained by itself either.
 */
function sameCause(
  outage: readonly Failure[],
  explanations: readonly Explanation[],
  together: Explanation | undefined,
  message: Message,
  history: WorkflowHistory,
  ctx: AnalysisContext,
): boolean {
  const t = ctx.thresholds;
  const cause = explanations[0] ?? together;
  if (!cause) {
    if (message.failures.length < t.minAffectedRuns) return true;
    message.explained ??= explainFailures(history, message.failures, ctx).length > 0;
    return !message.explained;
  }
  const item = `${cause.key}=${cause.value}`;
  const carry = (failures: readonly Failure[]) => failures.filter((f) => runItems(f.run).includes(item)).length >= t.minSupport * failures.length;
  return carry(message.failures) && (!together || carry(outage));
}
