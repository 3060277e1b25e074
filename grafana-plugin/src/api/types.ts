/**
 * The agent's REST API as the plugin receives it (JSON, times ISO-8601, durations in seconds). Mirrors the API
 * contract and agent/src/model/finding.ts; the plugin is built apart from the agent, so the types live here.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
export type SloState = 'ok' | 'warning' | 'critical';
export type FindingKind = 'anomaly' | 'error_pattern' | 'correlation' | 'flaky' | 'queue' | 'trend' | 'sla' | 'stalled' | 'rule';
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
export type Impact = 'high' | 'medium' | 'low';
export type ClockState = 'ok' | 'ahead' | 'late';

export interface Items<T> {
  items: T[];
}

export interface Health {
  /** 0–100; null while unknown (too few runs to judge). */
  score: number | null;
  status: HealthStatus;
}

export interface WorkflowSummary {
  name: string;
  runner: string;
  runs: number;
  failedRuns: number;
  successRate: number;
  p50DurationSeconds: number;
  p95DurationSeconds: number;
  lastRunAt: string;
  health: Health;
  openFindings: Record<Severity, number>;
  slo: null | { name: string; objective: number; errorBudgetRemaining: number; state: SloState };
  /** Finished runs and failures in each slice of the range; the slices' start times are the list's `sparklineStarts`. */
  sparkline: { runs: number[]; failures: number[] };
}

export interface WorkflowList extends Items<WorkflowSummary> {
  sparklineStarts: string[];
}

export interface DownstreamCall {
  name: string;
  kind: string;
  calls: number;
  errors: number;
}

export interface StepSummary {
  name: string;
  runs: number;
  failures: number;
  /** Absent from older agents, which did not count them. */
  passedOnRetry?: number;
  p50DurationSeconds: number;
  p95DurationSeconds: number;
  totalDurationSeconds: number;
  /** Share (0–1) of the time of the runs' top-level steps; null for a step that ran only under another, whose time is that step's. */
  timeShare: number | null;
  /** Share (0–1) of the failures, each counted once at the step it began in. */
  failureShare: number;
  /** How long it waited for a worker before it ran; absent when its runner does not say (or an older agent). */
  p50WaitSeconds?: number | null;
  p95WaitSeconds?: number | null;
  downstream: DownstreamCall[];
}

export interface TimelinePoint {
  t: string;
  runs: number;
  failures: number;
  /** null in an interval without a finished run. */
  p50DurationSeconds: number | null;
  p95DurationSeconds: number | null;
}

/** null: the attribute is absent. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Runs that ended in success or failure on one side of an attribute transition; failureShare null when runs is 0. */
export interface TransitionSide {
  runs: number;
  failed: number;
  failureShare: number | null;
}

/** When the workflow's runs began to carry another value of an attribute that otherwise holds steady (a release, an image). */
export interface AttributeTransition {
  key: string;
  /** The steps whose own attribute changed (a worker's release under a steady run); absent for the run's. */
  steps?: string[];
  /** null: absent before. */
  from: AttributeValue;
  /** null: absent after. */
  to: AttributeValue;
  /** Start of the first run with the new value. */
  at: string;
  /** That run: `id` for the app's `?run=`, `runId` the runner's own id. */
  firstRun: { id: string; runId: string };
  /** Up to 20 runs before the change. */
  before: TransitionSide;
  /** Up to 20 runs from the change on, or until the key changed again. */
  after: TransitionSide;
}

export interface WorkflowDetail extends Omit<WorkflowSummary, 'openFindings' | 'slo' | 'sparkline'> {
  steps: StepSummary[];
  timeline: TimelinePoint[];
  /** Newest first, at most 20; absent from an agent that predates them. */
  changes?: AttributeTransition[];
}

export interface HealthFactor {
  name: string;
  score: number;
  weight: number;
  detail: string;
}

export interface WorkflowHealth extends Health {
  factors: HealthFactor[];
  /** What holds the score below 50 whatever the factors say. */
  cappedBy?: 'critical_finding' | 'stalled_schedule';
}

export interface Run {
  id: string;
  workflow: string;
  runId: string;
  runner: string;
  status: string;
  startTime: string;
  endTime: string;
  durationSeconds: number;
  queueSeconds?: number;
  /** How long the run waited for workers in all, its own wait and its steps'; absent from older agents. */
  waitSeconds?: number;
  errorType?: string;
  errorMessage?: string;
}

export interface RunStep {
  id: string;
  name: string;
  parentId?: string;
  status: string;
  startTime: string;
  endTime: string;
  durationSeconds: number;
  errorType?: string;
  errorMessage?: string;
  attributes: Record<string, unknown>;
  downstream: DownstreamCall[];
}

export interface LogLine {
  time: string;
  severity: string;
  body: string;
  stepId?: string;
  templateId?: string;
}

export interface RunDetail extends Run {
  /** Spans of the run's trace refused past the agent's `otlp.maxSpansPerTrace`; absent when none were. */
  spansRefused?: number;
  attributes: Record<string, unknown>;
  /** How many steps the run has; `steps` holds fewer when fewer were asked for. */
  stepCount: number;
  steps: RunStep[];
  logs: LogLine[];
}

/** An attribute whose value differs between two runs or steps; null: absent on that side. */
export interface AttributeChange {
  key: string;
  from: AttributeValue;
  to: AttributeValue;
  /** The value changed at least twice over the baseline and the successful runs before it (a host, a revision). */
  varies?: true;
}

/** A side of a step's change; `waitSeconds`: its wait for a worker, when its runner says (absent from older agents). */
export interface StepOutcome {
  status: string;
  durationSeconds: number;
  waitSeconds?: number;
}

export type StepChangeKind = 'failed' | 'slower' | 'waited' | 'added' | 'missing' | 'status' | 'recovered' | 'faster' | 'changed';

export interface StepChange {
  name: string;
  /** Names of the enclosing steps, outermost first. */
  path: string[];
  change: StepChangeKind;
  /** The step in the run; absent when missing. */
  stepId?: string;
  /** The step in the baseline; absent when added. */
  baselineStepId?: string;
  from?: StepOutcome;
  to?: StepOutcome;
  /** to − from, when both are present. */
  deltaSeconds?: number;
  /** to / from duration; null when from is 0. */
  ratio?: number | null;
  /** The step's error in the run. */
  errorMessage?: string;
  attributes: AttributeChange[];
  /** Services called now and not before, before and not now, and failing now and not before. */
  downstream: { added: string[]; removed: string[]; failing: string[] };
}

/** What changed from a baseline run: by default the newest successful run of the workflow started before this one. */
export interface RunComparison {
  run: Run & { traceId: string };
  /** null when there is nothing to compare with; `note` says why. */
  baseline: Run | null;
  baselineChoice: 'given' | 'last-success';
  note?: string;
  /** Present only when the statuses differ. */
  status?: { from: string; to: string };
  /** Present whenever the baseline is, unless the run is still running; ratio null when the baseline took 0 s. */
  duration?: { fromSeconds: number; toSeconds: number; deltaSeconds: number; ratio: number | null };
  /** Of a run still running: the baseline's outermost steps it has not reached yet. */
  notReached?: string[];
  /** Run-level attributes that differ; ids, times and URLs left out. */
  attributes: AttributeChange[];
  /** The most significant first, at most 100. */
  steps: StepChange[];
  /** Steps found in both runs. */
  stepsCompared: number;
  /** Step changes in all; `steps` holds fewer past 100. */
  stepsChanged: number;
}

/** A finding's example run as the agent names it: its runner's run id, and its own workflow (a finding may span several). */
export type ExampleRun = Pick<Run, 'id' | 'runId' | 'workflow' | 'status' | 'startTime'>;

export interface Finding {
  id: string;
  fingerprint: string;
  kind: FindingKind;
  workflow: string;
  workflows?: string[];
  severity: Severity;
  category: Category;
  confidence: number;
  title: string;
  summary: string;
  /** `stepPath`: the steps enclosing `step` where the failures ran it, outermost first (a matrix's job). */
  rootCause: { step?: string; stepPath?: string[]; attributes: Record<string, string>; pattern?: string; description: string };
  evidence: {
    baseline: Record<string, number | string>;
    current: Record<string, number | string>;
    affectedRuns: number;
    totalRuns: number;
    onset?: string;
    exampleRunIds: string[];
    /** The first failing run against the last successful run before it: what changed when the problem began. */
    changes?: { runId: string; baselineRunId: string; lines: string[] };
    errorLines: string[];
    details?: Record<string, unknown>;
    resolution?: string;
  };
  recommendations: Array<{ title: string; steps: string[] }>;
  /** `evidence.exampleRunIds`' runs still stored, in that order; absent from older agents. */
  exampleRuns?: ExampleRun[];
  firstSeen: string;
  lastSeen: string;
  status: FindingStatus;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
}

export interface RecommendationItem {
  /** The finding's own workflow, the one its advice names steps of. */
  workflow: string;
  /** Every workflow of a finding shared by several (`workflow` first); absent from older agents. */
  workflows?: string[];
  findingId: string;
  severity: Severity;
  category: Category;
  impact: Impact;
  title: string;
  steps: string[];
}

export interface Slo {
  workflow: string;
  name: string;
  objective: number;
  window: string;
  maxDurationSeconds?: number;
  sli: number;
  errorBudgetRemaining: number;
  burnRates: Record<BurnWindow, number>;
  /**
   * What the alert rules judge: `burnRates`, except that a rule's short window without runs takes the newest run's
   * burn. Absent from older agents.
   */
  judgedBurnRates?: Record<BurnWindow, number>;
  state: SloState;
  /** The multiwindow rule that fired, e.g. `1h+5m > 3.36`; absent while the SLO is ok. */
  firing?: string;
}

export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export interface LogPattern {
  id: string;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  severity?: string;
  workflows: string[];
  steps: string[];
  examples: string[];
}

/** A sender of spans heard from in the last hour: how its clock compares with the agent's, as its exports show. */
export interface SenderClock {
  service: string;
  /** `host.name`, else `service.instance.id`, else ''. */
  host: string;
  /**
   * How long after its newest span ended its export arrived, the least over the last 5 to 10 minutes: negative when
   * its clock runs ahead of the agent's, large when it runs behind or its telemetry is delayed.
   */
  lagSeconds: number;
  /** 'ahead' below -60 s, 'late' above 15 minutes; 'ok' until the sender has been heard from for 5 minutes. */
  clock: ClockState;
  lastSeen: string;
}

/** One step of a troubleshooting session, from "what is wrong" to "is it fixed". */
export interface SessionPhase {
  name: 'identification' | 'analysis' | 'diagnosis' | 'resolution' | 'verification';
  summary: string;
  /** Lines of text; a line starting with `  - ` nests under the line before it. */
  items: string[];
}

export interface Session {
  id: string;
  workflow: string;
  /** Event time the session started, epoch ms: runs from then on count towards its verification. */
  startedMs: number;
  /** In order: identification, analysis, diagnosis, resolution, verification. */
  phases: SessionPhase[];
  /** Those whose error pattern the pasted logs hold first. */
  hypotheses: Array<{ fingerprint: string; title: string; confidence: number; description: string; matchesLogs: boolean }>;
  recommendations: Array<{ title: string; steps: string[] }>;
  /** Patterns of the pasted error lines. */
  logPatterns: Array<{ templateId: string; template: string; count: number }>;
  baseline: { runs: number; failureRatio: number };
  /** The newest failed run and the last successful run before it. */
  compared?: { runId: string; baselineRunId: string };
  criteria: { minRuns: number; maxFailureRatio: number; absentTemplateIds: string[]; retriedStep?: string };
}

/** Whether the runs since the session started confirm the fix; `pending` until enough of them ran. */
export interface SessionVerification {
  id: string;
  workflow: string;
  status: 'verified' | 'failed' | 'pending';
  runs: number;
  failureRatio: number;
  /** `waiting`: no run since the session started tells yet (older agents send `passed` only). */
  checks: Array<{ name: string; state?: 'passed' | 'failed' | 'waiting'; passed: boolean; detail: string }>;
}

export interface TimeRange {
  from: string;
  to: string;
}
