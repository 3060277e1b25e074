import type { Rejected } from '../../model/otlp.js';

const MAX_REASONS = 5;

export function noneRejected(): Rejected {
  return { count: 0, reasons: [] };
}

/** Counts dropped items and keeps the first few distinct reasons (enough to tell a sender what to fix). */
export function reject(rejected: Rejected, reason: string, count = 1): void {
  rejected.count += count;
  if (rejected.reasons.length < MAX_REASONS && !rejected.reasons.includes(reason)) rejected.reasons.push(reason);
}
