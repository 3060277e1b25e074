/** A finding: one problem of one workflow (or of several sharing a cause), as the API and the exports show it. */

export type FindingKind = 'anomaly' | 'error_pattern' | 'correlation' | 'flaky' | 'queue' | 'trend' | 'sla' | 'stalled' | 'rule';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Most severe first: the order findings are listed in. */
export const severityOrder: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** The most severe of one or more severities. */
export function mostSevere(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (severityOrder[b] < severityOrder[a] ? b : a));
}
export type Category =
  | 'configuration'
  | 'connectivity'
  | 'permissions'
  | 'performance'
  | 'data'
  | 'logic'
  | 'external_service'
  | 'timeout'
  | 'resource';
export type FindingStatus = 'open' | 'acknowledged' | 'resolved';

export interface RootCause {
  step?: string;
  /** The steps enclosing `step` where the failures ran it, outermost first: the job of a matrix, say. */
  stepPath?: string[];
  attributes: Record<string, string>;
  pattern?: string;
  description: string;
}

/** Where a finding's step is, for a line of text: "test (18) › Run tests". */
export function stepLabel(cause: Pick<RootCause, 'step' | 'stepPath'>): string | undefined {
  return cause.step === undefined ? undefined : [...(cause.stepPath ?? []), cause.step].join(' › ');
}

export interface Recommendation {
  title: string;
  steps: string[];
}

export interface Evidence {
  /** What normal looked like, and what it looks like now, in the finding's own figures. */
  baseline: Record<string, number | string>;
  current: Record<string, number | string>;
  affectedRuns: number;
  totalRuns: number;
  /** ISO time the problem began (event time). */
  onset?: string;
  exampleRunIds: string[];
  errorLines: string[];
  /**
   * A failing run against a successful one: what changed when the problem began (the last success before the first
   * failure), or, for a flaky step, the passing run of the same code that followed a failure.
   */
  changes?: RunChanges;
  /** Anything else the detector measured (scores, p-values, burn rates, …). */
  details?: Record<string, unknown>;
  /** Set when the finding resolved itself: why. */
  resolution?: string;
}

export interface RunChanges {
  runId: string;
  baselineRunId: string;
  /** The most telling differences, as sentences. */
  lines: string[];
}

/** What a detector produces; the finding store turns candidates into findings with id, status and history. */
export interface FindingCandidate {
  /** Stable across analysis passes for the same problem: kind + workflow(s) + cause, never times or counts. */
  fingerprint: string;
  kind: FindingKind;
  workflow: string;
  workflows?: string[];
  severity: Severity;
  category: Category;
  confidence: number;
  title: string;
  summary: string;
  rootCause: RootCause;
  evidence: Evidence;
  recommendations: Recommendation[];
  /**
   * Findings this one now tells, by fingerprint: an open one of them resolves, naming this one (a stall a hung run
   * turned out to hold). Not stored.
   */
  supersedes?: string[];
  /** Event time of the first and last run showing the problem (ms). */
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface Finding extends Omit<FindingCandidate, 'firstSeenMs' | 'lastSeenMs'> {
  id: string;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  /**
   * The highest severity since the finding last opened: the alert it is pushed as keeps it, across restarts, so a
   * burn that eases is the same page going on. Unset on findings stored before it was kept.
   */
  peakSeverity?: Severity;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
}
