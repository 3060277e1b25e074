import { CronJob } from 'cron';
import { AnalysisPass, CLEAR_AFTER_RUNS, FAILURE_KINDS, failureNotes, failureTemplates, heldIdentities, thresholdsOf, type AnalysisOutput, type FailureNote } from '../analyse/index.js';
import { formatDurationSpec } from '../analyse/config.js';
import type { FlowLensConfig } from '../config/schema.js';
import type { FlowLensMetrics } from '../export/metrics.js';
import type { Finding } from '../model/finding.js';
import { FAILED_STATUSES } from '../model/workflow.js';
import type { Logger } from '../runtime/logger.js';
import { Cancelled, timeSlices } from '../runtime/time-slices.js';
import { LIVE_FINDINGS, type Store, type TemplateOf } from '../store/store.js';
import { toAnalysisConfig } from './analysis-config.js';

/**
 * Work a pass does before it lets senders' requests in. A pass over 100k runs took 7.7 s, 5 of them reading the
 * runs, and held the event loop for all of it: every export waited that long, every minute.
 */
const SLICE_MS = 10;
const HOUR_MS = 3_600_000;

export interface AnalysisSummary {
  nowMs: number;
  eventTime: string;
  runs: number;
  workflows: number;
  findings: number;
  opened: number;
  updated: number;
  reopened: number;
  resolved: number;
  durationMs: number;
}

export interface AnalysisListener {
  analysed(output: AnalysisOutput, active: Finding[], resolved: Finding[], durationMs: number): void;
}

/**
 * Runs the analysis over the store on a schedule and on demand, on event time: "now" is the end of the newest
 * run stored, so replayed or late data is analysed as it happened. Passes never overlap.
 */
export class AnalysisService {
  private latest: AnalysisOutput | undefined;
  private running: Promise<AnalysisSummary> | undefined;
  private job: CronJob | undefined;
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly config: FlowLensConfig,
    private readonly templateOf: TemplateOf,
    private readonly listeners: AnalysisListener[],
    private readonly logger: Logger,
    /** The id a template belongs to after the merges the store has not been told of yet (the miner's, since). */
    private readonly mergedSince: (templateId: string) => string = (templateId) => templateId,
  ) {}

  start(): void {
    if (!this.config.analysis.enabled) return;
    this.job = CronJob.from({
      cronTime: this.config.analysis.schedule,
      onTick: () => {
        this.run().catch((error: Error) => {
          if (!(error instanceof Cancelled)) this.logger.error('analysis failed', { error: error.message });
        });
      },
      start: true,
    });
  }

  /** Stops the schedule; a pass under way gives up at its next break. Resolves once no pass runs. */
  async stop(): Promise<void> {
    void this.job?.stop();
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  get output(): AnalysisOutput | undefined {
    return this.latest;
  }

  /** Runs a pass now, or joins the one under way. */
  run(): Promise<AnalysisSummary> {
    this.running ??= Promise.resolve()
      .then(() => this.pass())
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * The runs of the window are read and analysed a workflow at a time, with breaks for other work, so a pass holds
   * one workflow's runs at once. The failed runs are read first: the template miner is shown every failure message
   * of the window before it names any.
   */
  private async pass(): Promise<AnalysisSummary> {
    const started = performance.now();
    const pause = timeSlices(SLICE_MS, () => this.stopping);
    const config = toAnalysisConfig(this.config);
    // Bounded per workflow, as the analysis itself is: time stays flat however busy the runners are.
    const limit = thresholdsOf(config).maxRunsPerWorkflow;
    const nowMs = this.store.latestEventMs() ?? Date.now();
    const range = { fromMs: nowMs - this.config.analysis.window, toMs: nowMs };
    const failed: FailureNote[] = [];
    // An hour of the window at a time, with breaks: 5,400 failed runs read at once held senders 0.45 s. A run
    // starting on the edge of two hours comes twice, which is harmless: the miner is shown each message once.
    for (let fromMs = range.fromMs; fromMs < range.toMs; fromMs += HOUR_MS) {
      failed.push(...failureNotes(this.store.runs({ fromMs, toMs: Math.min(fromMs + HOUR_MS, range.toMs), statuses: FAILED_STATUSES })));
      await pause();
    }
    // SLOs count their runs in the store over their own windows: a 30-day SLO is not cut to the pass's window or cap.
    // An outage keeps the key its live finding holds, however far the window has slid past how it began.
    const held = heldIdentities(
      FAILURE_KINDS.flatMap((kind) => this.store.findings({ status: LIVE_FINDINGS, kind, limit: 10_000 })),
      (templateId) => this.mergedSince(this.store.currentTemplateId(templateId)),
    );
    const analysis = new AnalysisPass(nowMs, config, failureTemplates(failed, this.templateOf), (query) => this.store.runOutcomes(query), held);
    const workflows = this.store.workflowsWithRuns(range).sort();
    const ends = new Map<string, number[]>();
    let runs = 0;
    for (const workflow of workflows) {
      const read = this.store.runs({ workflow, ...range, limit });
      runs += read.length;
      ends.set(workflow, read.map((run) => run.endMs));
      await pause();
      for (const _ of analysis.workflow(workflow, read)) await pause();
    }
    const output = analysis.finish((candidates) => this.store.keptResolved(candidates));
    const update = this.store.applyFindings(output.candidates, Date.now(), (finding) => {
      // A stall is over with a run that ended after it began (the run it first missed was due), however late its
      // data came: its finding was last seen at the pass's own time, which runs made on time but sent late never
      // end after.
      const sinceMs = Date.parse(finding.kind === 'stalled' ? finding.firstSeen : finding.lastSeen);
      const needed = finding.kind === 'stalled' ? 1 : CLEAR_AFTER_RUNS;
      // A stalled schedule whose runs have all left the window retired: no run will come to clear it.
      const retired = (workflow: string) => finding.kind === 'stalled' && finding.category === 'configuration' && !ends.has(workflow);
      const workflows = finding.workflows ?? [finding.workflow];
      if (workflows.every(retired)) return { why: `no run of it is left in analysis.window (${formatDurationSpec(this.config.analysis.window)}): it retired` };
      return workflows.every((workflow) => retired(workflow) || (ends.get(workflow) ?? []).filter((end) => end > sinceMs).length >= needed);
    });
    this.latest = output;
    const durationMs = performance.now() - started;
    const active = this.store.findings({ status: LIVE_FINDINGS, limit: 20_000 });
    const resolved = this.store.findings({ status: 'resolved', limit: 1_000 });
    for (const listener of this.listeners) listener.analysed(output, active, resolved, durationMs);
    const summary: AnalysisSummary = {
      nowMs,
      eventTime: new Date(nowMs).toISOString(),
      runs,
      workflows: ends.size,
      findings: active.length,
      ...update,
      durationMs: Math.round(durationMs),
    };
    this.logger.debug('analysis pass', { ...summary });
    return summary;
  }
}
