import { endWasMadeUp } from '../decode/index.js';
import type { Attributes, ResourceSpans } from '../model/otlp.js';
import { asText } from '../normalise/attributes.js';

/** A sender whose newest spans end this far after they arrive runs its clock ahead of the agent's. */
const AHEAD_MS = 60_000;
/**
 * A sender whose newest spans arrive this long after they end runs its clock behind, or its telemetry is
 * delayed. The hung-run check's least overrun (`MIN_OVERRUN_MS`): a run from a sender this far behind can be
 * reported hung while it is still going.
 */
const LATE_MS = 15 * 60_000;

/** The least lag is kept per bucket of this length, and the last two buckets give the figure (5 to 10 minutes). */
const BUCKET_MS = 5 * 60_000;
/** A sender silent this long is heard from afresh: its clock is judged anew (and the metric leaves it out). */
export const QUIET_MS = 2 * BUCKET_MS;
/**
 * A sender's clock is judged once it has been heard from this long without a quiet gap: a backfill or a replay sent
 * in less is late by design, not a clock to fix.
 */
const STEADY_MS = 5 * 60_000;
/** A sender not heard from for this long is no longer listed. */
const FORGET_MS = 60 * 60_000;
/** Senders kept, the least recently heard from dropped first (a resource per pod can mean many). */
const MAX_SENDERS = 1_000;

export type ClockState = 'ok' | 'ahead' | 'late';

export interface SenderClock {
  service: string;
  /** `host.name`, else `service.instance.id`, else ''. */
  host: string;
  /**
   * How long after its newest span ended a sender's export arrived, at the least over the last 5 to 10 minutes:
   * batching and the network only add to it, so the least is the closest to the clocks' own difference.
   */
  lagMs: number;
  /** 'ok' too while the sender has been heard from for less than 5 minutes. */
  clock: ClockState;
  /** Wall clock of the last export. */
  lastSeenMs: number;
}

interface Sender {
  service: string;
  host: string;
  /** Wall clock of the first export since the sender was last quiet. */
  heardSinceMs: number;
  bucketStartMs: number;
  bucketLagMs: number;
  previousLagMs: number;
  lastSeenMs: number;
}

/**
 * How far each sender's clock is from the agent's, as its exports show it. Measured on arrival, against the
 * agent's wall clock: that is what a clock's offset is relative to. The analysis never reads it.
 */
export class SenderClocks {
  private readonly senders = new Map<string, Sender>();

  /** An export's spans, as they arrived at `arrivalMs`; spans whose end time the decoder made up do not count. */
  observe(groups: readonly ResourceSpans[], arrivalMs: number): void {
    for (const group of groups) {
      let newestEndMs = -Infinity;
      for (const scope of group.scopes) {
        for (const span of scope.spans) {
          // A made-up end equals the start: only such spans pay for the look-up.
          if (span.endMs > newestEndMs && !(span.endMs === span.startMs && endWasMadeUp(span))) newestEndMs = span.endMs;
        }
      }
      if (newestEndMs === -Infinity) continue;
      this.note(group.resource, arrivalMs - newestEndMs, arrivalMs);
    }
  }

  /** Senders heard from in the last hour (or `withinMs`), those whose clock is off first, the furthest off first. */
  list(nowMs: number, withinMs = FORGET_MS): SenderClock[] {
    const out: SenderClock[] = [];
    for (const [key, sender] of this.senders) {
      if (nowMs - sender.lastSeenMs > FORGET_MS) this.senders.delete(key);
      if (nowMs - sender.lastSeenMs > withinMs) continue;
      // The bucket before the open one counts while the open one is young, so the figure spans 5 to 10 minutes.
      const lagMs = nowMs - sender.bucketStartMs < BUCKET_MS ? Math.min(sender.bucketLagMs, sender.previousLagMs) : sender.bucketLagMs;
      const clock = sender.lastSeenMs - sender.heardSinceMs >= STEADY_MS ? clockState(lagMs) : 'ok';
      out.push({ service: sender.service, host: sender.host, lagMs, clock, lastSeenMs: sender.lastSeenMs });
    }
    return out.sort((a, b) => Number(b.clock !== 'ok') - Number(a.clock !== 'ok') || Math.abs(b.lagMs) - Math.abs(a.lagMs));
  }

  private note(resource: Attributes, lagMs: number, arrivalMs: number): void {
    const service = asText(resource['service.name']) ?? '';
    const host = asText(resource['host.name']) ?? asText(resource['service.instance.id']) ?? '';
    const key = `${service}\u0000${host}`;
    let sender = this.senders.get(key);
    if (sender === undefined) {
      sender = { service, host, heardSinceMs: arrivalMs, bucketStartMs: arrivalMs, bucketLagMs: lagMs, previousLagMs: Infinity, lastSeenMs: arrivalMs };
      if (this.senders.size >= MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
    } else {
      // Re-inserted, so the map's order is the order senders were last heard from.
      this.senders.delete(key);
      if (arrivalMs - sender.lastSeenMs > QUIET_MS) sender.heardSinceMs = arrivalMs;
      const sinceMs = arrivalMs - sender.bucketStartMs;
      if (sinceMs >= BUCKET_MS) {
        // A bucket that ended more than a bucket ago says nothing of the last 5 to 10 minutes.
        sender.previousLagMs = sinceMs < 2 * BUCKET_MS ? sender.bucketLagMs : Infinity;
        sender.bucketStartMs = arrivalMs;
        sender.bucketLagMs = lagMs;
      } else if (lagMs < sender.bucketLagMs) {
        sender.bucketLagMs = lagMs;
      }
      sender.lastSeenMs = Math.max(sender.lastSeenMs, arrivalMs);
    }
    this.senders.set(key, sender);
  }
}

function clockState(lagMs: number): ClockState {
  return lagMs < -AHEAD_MS ? 'ahead' : lagMs > LATE_MS ? 'late' : 'ok';
}
