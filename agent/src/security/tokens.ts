import { createHash, timingSafeEqual } from 'node:crypto';

export interface TokenEntry {
  token: string;
  /** The tenant whose data this token writes or reads; absent: all data (an operator's token). */
  tenant?: string;
}

export type TokenCheck = { ok: true; tenant: string | undefined } | { ok: false; reason: string };

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Bearer tokens, compared in constant time: both sides are hashed to equal-length digests and every configured
 * token is compared, so neither the length nor the position of a match shows in the timing. Tokens are kept
 * only as digests, so they never reach a log line.
 */
export class TokenSet {
  private readonly entries: { digest: Buffer; tenant: string | undefined }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((entry) => ({ digest: digest(entry.token), tenant: entry.tenant }));
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** Checks an `Authorization` header value (`Bearer <token>`). */
  check(authorization: string | undefined): TokenCheck {
    if (!this.enabled) return { ok: true, tenant: undefined };
    const match = authorization?.match(/^Bearer\s+(.+)$/i);
    if (!match) return { ok: false, reason: 'missing bearer token (Authorization: Bearer <token>)' };
    const presented = digest(match[1]!.trim());
    let found: { tenant: string | undefined } | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && !found) found = entry;
    }
    return found ? { ok: true, tenant: found.tenant } : { ok: false, reason: 'invalid bearer token' };
  }
}
