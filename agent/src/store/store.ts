import type { OtlpLogRecord, OtlpSpan } from '../model/otlp.js';
import type { Finding, FindingCandidate, FindingStatus } from '../model/finding.js';
import type { RunOutcomeQuery, RunOutcomes } from '../model/run-outcomes.js';
import type { RunRecord, RunStatus } from '../model/workflow.js';

/**
 * The store's contract: the only way the rest of the agent reaches persisted data. Kept narrow so a second
 * implementation (PostgreSQL, shared by several agents) can stand beside the SQLite one.
 */

export type TraceModeller = (spans: readonly OtlpSpan[]) => RunRecord[];
export interface TemplateRef {
  templateId: string;
  template: string;
}
export type TemplateOf = (message: string) => TemplateRef;

/** A template that generalised into another: what was counted under `from` now belongs to `to`. */
export interface TemplateMerge {
  from: string;
  to: string;
}

/**
 * A run that appeared or changed status in a write, or a finished run re-derived (it may have gained steps): what
 * metrics and pattern counts feed on.
 */
export interface RunTransition {
  run: RunRecord;
  previousStatus: RunStatus | undefined;
}

export interface WriteBatch {
  spans: OtlpSpan[];
  logs: OtlpLogRecord[];
  /** Template of each log record, aligned with `logs`. */
  logTemplates: (string | undefined)[];
  /** Template merges since the last write, applied before anything else in the batch. */
  templateMerges: TemplateMerge[];
}

/** Spans one trace may hold unless configured otherwise (`otlp.maxSpansPerTrace`). */
export const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;

export interface WriteResult {
  spansAccepted: number;
  /** Spans and log records already stored (re-sent by an at-least-once sender), dropped. */
  spansDuplicate: number;
  /** New spans of traces that already hold as many as a trace may, not stored: their senders are told. */
  spansRefused: readonly OtlpSpan[];
  /**
   * Spans dropped as re-sent whose span id was stored with other content (name, times, status or parent): the
   * first received is kept, and their senders are warned.
   */
  spansConflicting: readonly OtlpSpan[];
  logsAccepted: number;
  logsDuplicate: number;
  /** Indexes into `WriteBatch.logs` of the records newly stored (not re-sent duplicates). */
  logsInserted: number[];
  transitions: RunTransition[];
}

export interface TemplateHit extends TemplateRef {
  timeMs: number;
  severity: number;
}

export interface RunQuery {
  workflow?: string;
  fromMs: number;
  toMs: number;
  /** Only runs with one of these statuses (`FAILED_STATUSES` for the failed ones). */
  statuses?: readonly RunStatus[];
  /** Only runs with this runner's run id (the id the runner shows; a re-run's attempts share it). */
  runId?: string;
  limit?: number;
}

/** The scalar part of a run: what lists and rates need, without parsing steps and attributes. */
export type RunHead = Pick<RunRecord, 'id' | 'workflow' | 'runner' | 'status' | 'startMs' | 'endMs' | 'durationMs'>;

/** Per-workflow figures over a time range, aggregated by the store. */
export interface WorkflowAggregate {
  workflow: string;
  runner: RunRecord['runner'];
  /** Finished runs. */
  runs: number;
  failedRuns: number;
  /** Finished runs that count for the success rate (not skipped or cancelled). */
  ratedRuns: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  lastEndMs: number | null;
  /** With `slices` in the query: finished runs and failures in each of that many equal slices of the range. */
  activity?: { runs: number[]; failures: number[] };
}

export interface PatternQuery {
  workflow?: string;
  step?: string;
  minSeverity?: number;
  fromMs: number;
  toMs: number;
  limit: number;
}

export interface PatternRow {
  id: string;
  template: string;
  count: number;
  firstMs: number;
  lastMs: number;
  maxSeverity: number;
  workflows: string[];
  steps: string[];
  examples: string[];
}

export interface StoredLog {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  spanId: string;
  templateId: string | null;
}

/** The statuses of the live problems: an acknowledged finding is one someone is on. */
export const LIVE_FINDINGS: readonly FindingStatus[] = ['open', 'acknowledged'];

export interface FindingQuery {
  workflow?: string;
  severity?: string;
  category?: string;
  kind?: string;
  /** One status or several; findings are listed open first, then acknowledged, then resolved. */
  status?: FindingStatus | readonly FindingStatus[];
  limit: number;
}

/**
 * Whether a finding no pass saw any more has cleared: `false` while not, `true` when the runs since show it gone,
 * or why, when for another reason (its workflow retired), which its resolution then says.
 */
export type Cleared = boolean | { why: string };

export interface FindingUpdate {
  opened: number;
  updated: number;
  reopened: number;
  resolved: number;
}

/** What a `remodelDeferred` call changed (a write of no new data) and the errors of the traces it could not do. */
export interface RemodelOutcome {
  written: WriteResult;
  failures: Error[];
}

export interface Store {
  /** Writes one batch durably in one transaction; answers only once committed. */
  write(batch: WriteBatch, model: TraceModeller, templateOf: TemplateOf): WriteResult;
  /**
   * Re-derives the runs of the large traces continued since their last derivation, once due (at most every so
   * often per trace, and at once for those a stopped agent left); undefined when none is due at `nowMs`. A trace
   * that fails is tried again later, and later each time. No trace is begun once `budgetMs` has gone by (the
   * first always is): those left stay due.
   */
  remodelDeferred(model: TraceModeller, templateOf: TemplateOf, nowMs: number, budgetMs?: number): RemodelOutcome | undefined;
  /** When `remodelDeferred` next has work, if ever (wall clock, as `Date.now()`). */
  nextRemodelMs(): number | undefined;
  /** How many large traces' runs trail their spans (`remodelDeferred`), and since when the oldest has (wall clock). */
  pendingTraces(): { traces: number; sinceMs: number | undefined };
  recordTemplateHits(hits: TemplateHit[]): void;
  /** Replaces the saved miner clusters (rows are the miner's own versioned state). */
  saveMinerState(rows: readonly { id: string }[]): void;
  loadMinerState(): unknown[];

  runs(query: RunQuery): RunRecord[];
  /** The workflows with a run started in the range, in no particular order. */
  workflowsWithRuns(query: { fromMs: number; toMs: number }): string[];
  /** Per workflow that ran in the range (by start time), in one pass over its runs, in no particular order. */
  workflowAggregates(query: { fromMs: number; toMs: number; workflow?: string; slices?: number }): WorkflowAggregate[];
  /** What an SLO counts, in the store per window, in the order of `windowsMs`, however many runs they are. */
  runOutcomes(query: RunOutcomeQuery): RunOutcomes[];
  run(id: string): RunRecord | undefined;
  /** The stored runs of these ids (those pruned left out), in no particular order: what lists naming runs show of each. */
  runsByIds(ids: readonly string[]): Pick<RunRecord, 'id' | 'runId' | 'workflow' | 'status' | 'startMs'>[];
  /** Spans of the trace refused past `otlp.maxSpansPerTrace` (each time one was sent): its runs lack their steps. */
  spansRefused(traceId: string): number;
  logsOfTrace(traceId: string, limit: number): StoredLog[];
  hasWorkflow(name: string): boolean;
  /** End of the newest run of each workflow. */
  lastRunByWorkflow(): [string, number][];
  /** Newest event time stored (end of the newest run), clamped to the wall clock against senders' clock skew. */
  latestEventMs(): number | undefined;
  patterns(query: PatternQuery): PatternRow[];
  /** Runs the template's lines came from, newest first; a template merged into another answers as that one. */
  runsOfPattern(templateId: string, limit: number): { runId: string; workflow: string; step: string; count: number }[];
  /** The id a template is counted under now: its own, or that of the template it was merged into. */
  currentTemplateId(templateId: string): string;

  applyFindings(candidates: FindingCandidate[], nowMs: number, clearedAfterRuns: (finding: Finding) => Cleared): FindingUpdate;
  /**
   * Fingerprints of the candidates whose finding someone resolved by hand and `applyFindings` leaves resolved: nothing
   * seen since that reopens it (a later run, a later stall, a hung run now holding its schedule back).
   */
  keptResolved(candidates: readonly FindingCandidate[]): Set<string>;
  findings(query: FindingQuery): Finding[];
  finding(id: string): Finding | undefined;
  setFindingStatus(id: string, status: FindingStatus, by: string, atMs: number, note?: string): Finding | undefined;

  saveSession(id: string, workflow: string, createdMs: number, body: unknown): void;
  session(id: string): { id: string; workflow: string; createdMs: number; body: unknown } | undefined;

  /** Deletes one small chunk of data whose event time is older than the cutoff; 0 when nothing is left. */
  pruneChunk(cutoffMs: number): number;
  sizeBytes(): number;
  close(): Promise<void>;
}

