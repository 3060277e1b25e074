import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { mostSevere, type Finding, type FindingCandidate, type FindingStatus } from '../../model/finding.js';
import type { Cleared, FindingQuery, FindingUpdate } from '../store.js';
import { isoTime } from '../../runtime/iso-time.js';

interface FindingRow {
  id: string;
  fingerprint: string;
  status: string;
  first_seen_ms: number;
  last_seen_ms: number;
  /** When the finding last changed (seen by a pass, acknowledged, resolved), on the clock of `apply` and `setStatus`. */
  updated_ms: number;
  clear_passes: number;
  body: string;
}

/** What someone wrote when acknowledging or resolving a finding. */
interface FindingNote {
  by: string;
  at: string;
  status: string;
  note: string;
}

/** Everything about a finding except what the columns hold. */
type FindingBody = Omit<Finding, 'id' | 'status' | 'firstSeen' | 'lastSeen'> & { notes?: FindingNote[] };

/** `resolvedBy` of a finding that resolved itself; anyone else resolved it by hand. */
const RESOLVED_BY_ANALYSIS = 'flowlens';
/**
 * When a finding was last seen, as retention judges it: never later than the pass that saw it. A sender's clock
 * ahead of the agent's puts its runs, and so the finding's lastSeen, in the future, where no cut-off would reach it.
 */
const LAST_SIGHTING = 'min(last_seen_ms, updated_ms)';
const EXPIRED_RESOLUTION = 'Not seen in the runs kept (storage.retention): the runs that showed it were deleted; resolved automatically.';

/**
 * The finding lifecycle: candidates from each analysis pass are merged by fingerprint into lasting findings —
 * opened, kept up to date, resolved once their condition has cleared, reopened if it returns.
 */
export class FindingTable {
  private readonly byFingerprint: Statement<[string], FindingRow>;
  private readonly byId: Statement<[string], FindingRow>;
  private readonly insert: Statement<unknown[]>;
  private readonly update: Statement<unknown[]>;
  private readonly notSeen: Statement<[string]>;
  private readonly active: Statement<[], FindingRow>;
  private readonly resolveExpired: Statement<{ cutoff: number; now: number; by: string; at: string; why: string; limit: number }>;
  private readonly deleteExpired: Statement<[number, number, number]>;

  /** `prepared`: the store's statements prepared once per text, which the finding lists' few forms share. */
  constructor(
    private readonly db: Database,
    private readonly prepared: <P extends unknown[], R>(sql: string) => Statement<P, R>,
  ) {
    this.byFingerprint = db.prepare('SELECT * FROM findings WHERE fingerprint = ?');
    this.byId = db.prepare('SELECT * FROM findings WHERE id = ?');
    this.insert = db.prepare(
      `INSERT INTO findings (id, fingerprint, kind, workflow, workflows, severity, category, status, first_seen_ms,
         last_seen_ms, updated_ms, clear_passes, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?)`,
    );
    this.update = db.prepare(
      `UPDATE findings SET workflows = ?, severity = ?, category = ?, status = ?, first_seen_ms = ?, last_seen_ms = ?,
         updated_ms = ?, clear_passes = ?, body = ? WHERE id = ?`,
    );
    this.notSeen = db.prepare('UPDATE findings SET clear_passes = clear_passes + 1 WHERE id = ?');
    this.active = db.prepare("SELECT * FROM findings WHERE status != 'resolved'");
    this.resolveExpired = db.prepare(
      `UPDATE findings SET status = 'resolved', updated_ms = @now,
         body = json_set(body, '$.resolvedBy', @by, '$.resolvedAt', @at, '$.evidence.resolution', @why)
       WHERE id IN (SELECT id FROM findings WHERE status IN ('open', 'acknowledged') AND ${LAST_SIGHTING} < @cutoff LIMIT @limit)`,
    );
    this.deleteExpired = db.prepare(
      `DELETE FROM findings WHERE id IN
         (SELECT id FROM findings WHERE status = 'resolved' AND ${LAST_SIGHTING} < ? AND updated_ms < ? LIMIT ?)`,
    );
  }

  keptResolved(candidates: readonly FindingCandidate[]): Set<string> {
    const kept = new Set<string>();
    for (const candidate of candidates) {
      const row = this.byFingerprint.get(candidate.fingerprint);
      if (row?.status !== 'resolved') continue;
      const body = JSON.parse(row.body) as FindingBody;
      // A rule held back by its cooldown still holds: only what a person resolved, and what `apply` leaves so.
      if (body.resolvedBy !== RESOLVED_BY_ANALYSIS && !mayReopen(row, body, candidate)) kept.add(candidate.fingerprint);
    }
    return kept;
  }

  apply(candidates: FindingCandidate[], nowMs: number, cleared: (finding: Finding) => Cleared): FindingUpdate {
    const result: FindingUpdate = { opened: 0, updated: 0, reopened: 0, resolved: 0 };
    this.db.transaction(() => {
      const seen = new Set<string>();
      const supersededBy = new Map<string, FindingCandidate>();
      for (const candidate of candidates) {
        seen.add(candidate.fingerprint);
        for (const fingerprint of candidate.supersedes ?? []) supersededBy.set(fingerprint, candidate);
        const row = this.byFingerprint.get(candidate.fingerprint);
        const { firstSeenMs, lastSeenMs, supersedes: _, ...rest } = candidate;
        if (!row) {
          const body: FindingBody = { ...rest, peakSeverity: candidate.severity };
          this.insert.run(
            findingId(candidate.fingerprint), candidate.fingerprint, candidate.kind, candidate.workflow,
            JSON.stringify(candidate.workflows ?? [candidate.workflow]), candidate.severity, candidate.category, 'open',
            firstSeenMs, lastSeenMs, nowMs, JSON.stringify(body),
          );
          result.opened++;
          continue;
        }
        const previous = JSON.parse(row.body) as FindingBody;
        const reopened = row.status === 'resolved';
        if (reopened && !mayReopen(row, previous, candidate)) continue;
        // Acknowledgement survives updates; a return after resolution reopens and clears the old resolution. Notes
        // stay either way: what people found and tried is still true of the problem when it returns.
        const peakSeverity = reopened ? candidate.severity : mostSevere([previous.peakSeverity ?? previous.severity, candidate.severity]);
        const body: FindingBody = reopened
          ? { ...rest, peakSeverity, notes: previous.notes }
          : { ...rest, peakSeverity, acknowledgedBy: previous.acknowledgedBy, acknowledgedAt: previous.acknowledgedAt, notes: previous.notes };
        const status = reopened ? 'open' : row.status;
        this.update.run(
          JSON.stringify(candidate.workflows ?? [candidate.workflow]), candidate.severity, candidate.category, status,
          reopened ? firstSeenMs : Math.min(row.first_seen_ms, firstSeenMs), Math.max(row.last_seen_ms, lastSeenMs),
          nowMs, 0, JSON.stringify(body), row.id,
        );
        if (reopened) result.reopened++;
        else result.updated++;
      }
      for (const row of this.active.all()) {
        if (seen.has(row.fingerprint)) continue;
        const finding = toFinding(row);
        const by = supersededBy.get(row.fingerprint);
        const clear = by ? true : cleared(finding);
        if (!clear) {
          // Not seen, so not changed but for the count: retention goes by when it was last seen (LAST_SIGHTING).
          this.notSeen.run(row.id);
          continue;
        }
        const body = JSON.parse(row.body) as FindingBody;
        body.resolvedBy = RESOLVED_BY_ANALYSIS;
        body.resolvedAt = isoTime(nowMs);
        body.evidence = { ...body.evidence, resolution: resolutionOf(row, body.kind, by, clear) };
        this.update.run(
          JSON.stringify(body.workflows ?? [body.workflow]), body.severity, body.category, 'resolved', row.first_seen_ms,
          row.last_seen_ms, nowMs, row.clear_passes + 1, JSON.stringify(body), row.id,
        );
        result.resolved++;
      }
    })();
    return result;
  }

  /**
   * Retention, at `cutoffMs` (event time): a finding last seen before it has lost the runs that showed it, and no
   * pass can clear it any more (that takes runs without it), so it is resolved now. A resolved finding goes once
   * both its last sighting and its resolution are older than the cut-off, so a resolution stays listed for as long
   * as data is kept. Returns the rows changed, at most `limit` of each kind.
   */
  expire(cutoffMs: number, nowMs: number, limit: number): number {
    const resolved = this.resolveExpired.run({
      cutoff: cutoffMs,
      now: nowMs,
      by: RESOLVED_BY_ANALYSIS,
      at: isoTime(nowMs),
      why: EXPIRED_RESOLUTION,
      limit,
    }).changes;
    return resolved + this.deleteExpired.run(cutoffMs, cutoffMs, limit).changes;
  }

  list(query: FindingQuery): Finding[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.workflow) {
      where.push('EXISTS (SELECT 1 FROM json_each(findings.workflows) WHERE value = ?)');
      params.push(query.workflow);
    }
    for (const key of ['severity', 'category', 'kind'] as const) {
      const value = query[key];
      if (value) {
        where.push(`${key} = ?`);
        params.push(value);
      }
    }
    if (query.status !== undefined) {
      const statuses = typeof query.status === 'string' ? [query.status] : [...new Set(query.status)];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    return this.prepared<unknown[], FindingRow>(
      `SELECT * FROM findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END,
        CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
        last_seen_ms DESC LIMIT ?`,
    )
      .all(...params, query.limit).map(toFinding);
  }

  get(id: string): Finding | undefined {
    const row = this.byId.get(id);
    return row ? toFinding(row) : undefined;
  }

  setStatus(id: string, status: FindingStatus, by: string, atMs: number, note?: string): Finding | undefined {
    const row = this.byId.get(id);
    if (!row) return undefined;
    const body = JSON.parse(row.body) as FindingBody;
    if (status === 'acknowledged') {
      body.acknowledgedBy = by;
      body.acknowledgedAt = isoTime(atMs);
    } else if (status === 'resolved') {
      body.resolvedBy = by;
      body.resolvedAt = isoTime(atMs);
    }
    if (note) body.notes = [...(body.notes ?? []), { by, at: isoTime(atMs), status, note }];
    this.update.run(
      JSON.stringify(body.workflows ?? [body.workflow]), body.severity, body.category, status, row.first_seen_ms,
      row.last_seen_ms, atMs, row.clear_passes, JSON.stringify(body), id,
    );
    return this.get(id);
  }
}

/**
 * Whether a resolved finding opens again for a candidate. Not a rule's within its cooldown (`evidence.details.
 * cooldownMs`) since it last opened (its first sighting then, in event time). Not one resolved by hand unless the
 * problem was seen after what the person had seen: in a later run; for a stalled workflow (seen at every pass while
 * it lasts), as a stall that began later; for hung runs (likewise), as a run that hung besides those they had seen,
 * or one that now holds the schedule back (`holdsScheduleNow`).
 */
function mayReopen(row: FindingRow, body: FindingBody, candidate: FindingCandidate): boolean {
  const cooldownMs = Number(candidate.evidence.details?.['cooldownMs'] ?? 0);
  if (candidate.kind === 'rule' && candidate.lastSeenMs - row.first_seen_ms < cooldownMs) return false;
  if (body.resolvedBy === RESOLVED_BY_ANALYSIS || holdsScheduleNow(body, candidate)) return true;
  if (candidate.kind !== 'stalled') return candidate.lastSeenMs > row.last_seen_ms;
  if (candidate.category !== 'timeout') return candidate.firstSeenMs > row.last_seen_ms;
  const seen = new Set(body.evidence.exampleRunIds);
  return candidate.evidence.exampleRunIds.some((id) => !seen.has(id));
}

/**
 * Whether the problem is another than the person resolved: a hung run that now holds its schedule back (missed runs),
 * which it did not then. A problem that only lasts longer (a stall's severity grows with it) is the one they saw.
 */
function holdsScheduleNow(body: FindingBody, candidate: FindingCandidate): boolean {
  return candidate.evidence.current['missedRuns'] !== undefined && body.evidence.current['missedRuns'] === undefined;
}

/** Short, stable, URL-safe: the same problem keeps its id (and its links in alerts) across passes and restarts. */
export function findingId(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
}

/** Why a finding no pass saw any more resolved itself. */
function resolutionOf(row: FindingRow, kind: Finding['kind'], supersededBy: FindingCandidate | undefined, clear: Cleared): string {
  if (supersededBy) return `Now told by finding ${findingId(supersededBy.fingerprint)} ("${supersededBy.title}"); resolved automatically.`;
  if (typeof clear === 'object') return `Condition cleared: ${clear.why}; resolved automatically.`;
  // A stall clears with a run that ended after it began (its last sighting is only the last pass's time).
  if (kind === 'stalled') return `Condition cleared: a run ended after ${isoTime(row.first_seen_ms)}, when it began; resolved automatically.`;
  return `Condition cleared: no longer seen in the runs after ${isoTime(row.last_seen_ms)}; resolved automatically.`;
}

function toFinding(row: FindingRow): Finding {
  const body = JSON.parse(row.body) as FindingBody;
  return {
    id: row.id,
    ...body,
    fingerprint: row.fingerprint,
    status: row.status as FindingStatus,
    firstSeen: isoTime(row.first_seen_ms),
    lastSeen: isoTime(row.last_seen_ms),
  };
}
