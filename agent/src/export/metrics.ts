import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { parseDuration } from '../analyse/config.js';
import type { SloReport } from '../analyse/slo/report.js';
import type { Finding } from '../model/finding.js';
import { extraTries, passedOnRetry, waitedMs, type RunRecord, type RunStatus, type StepRecord } from '../model/workflow.js';
import { QUIET_MS, type SenderClocks } from '../ingest/sender-clocks.js';
import type { RequestInfo } from '../receive/observer.js';
import type { RunTransition, Store, WriteResult } from '../store/store.js';
import { countedAs, CountedRuns, type CountedRun } from './counted-runs.js';
import { CurrentGauge, type GaugeReport } from './current-gauge.js';
import { KeyedCounter, KeyedHistogram, KeyedProducer, type CounterSeries, type HistogramSeries } from './keyed-metrics.js';
import { LabelCap } from './label-cap.js';

/** Bucket bounds (seconds) for run and step durations: seconds-long steps up to four-hour pipelines. */
export const DURATION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];
/** Bucket bounds (seconds) for waits for a worker: a healthy wait is often under a second. */
const WAIT_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const ANALYSIS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

export interface AnalysisGauges {
  health: Map<string, number>;
  anomaly: Map<string, number>;
  cadence: Map<string, number>;
  slos: Pick<SloReport, 'workflow' | 'name' | 'objective' | 'window' | 'errorBudgetRemaining' | 'burnRates' | 'judgedBurnRates'>[];
  findings: Finding[];
}

/** What a receiver answers a request it took: HTTP 200 (possibly a partial success), gRPC OK. */
const OK_STATUS = { http: 200, grpc: 0 } as const;
const terminal = (status: RunStatus | undefined) => status !== undefined && status !== 'running';
/** Every final status of a run: each workflow's run counters start at 0 for all of them. */
const FINAL_STATUSES: readonly RunStatus[] = ['success', 'failure', 'error', 'timeout', 'cancelled', 'skipped'];
/** Finished top-level steps: nested ones are part of theirs. */
const countable = (step: StepRecord) => terminal(step.status) && step.parentId === undefined;

/**
 * The Prometheus metrics of the contract in the README, through the OpenTelemetry SDK and its Prometheus
 * exporter. A run is counted when it first reaches a final state, and a step when it is first seen final in a
 * finished run (steps whose spans come after the run's count then), so re-sent or re-modelled traces never count
 * twice.
 */
export class FlowLensMetrics {
  private readonly exporter: PrometheusExporter;
  private readonly provider: MeterProvider;
  private readonly workflows: LabelCap;
  private readonly series = new Map<string, WorkflowSeries>();
  private readonly lastRun = new Map<string, number>();
  private readonly counted = new CountedRuns();
  private gauges: AnalysisGauges = { health: new Map(), anomaly: new Map(), cadence: new Map(), slos: [], findings: [] };
  private readonly instruments;
  /** Recorded per run and step: keyed, so no label set is hashed per value (keyed-metrics.ts). */
  private readonly perRun: {
    runs: KeyedCounter;
    stepRuns: KeyedCounter;
    stepRetries: KeyedCounter;
    runDuration: KeyedHistogram;
    stepDuration: KeyedHistogram;
    runWait: KeyedHistogram;
    stepWait: KeyedHistogram;
  };

  constructor(
    private readonly limits: { maxWorkflows: number; maxStepsPerWorkflow: number },
    private readonly log: (message: string) => void,
    store: Pick<Store, 'pendingTraces'> & { sizeBytes(): number },
    senders: Pick<SenderClocks, 'list'>,
  ) {
    this.perRun = {
      runs: new KeyedCounter('flowlens_workflow_runs', 'Finished workflow runs by final status'),
      stepRuns: new KeyedCounter('flowlens_step_runs', 'Finished steps by final status'),
      stepRetries: new KeyedCounter('flowlens_step_retries', 'Tries beyond the first of steps that passed (a step that passed on its third try counts 2)'),
      runDuration: new KeyedHistogram('flowlens_workflow_run_duration_seconds', 'Duration of finished workflow runs', DURATION_BUCKETS),
      stepDuration: new KeyedHistogram('flowlens_step_duration_seconds', 'Duration of finished steps', DURATION_BUCKETS),
      runWait: new KeyedHistogram('flowlens_workflow_run_wait_seconds', 'Time finished runs waited for workers: the time in which the run or any of its steps waited', WAIT_BUCKETS),
      stepWait: new KeyedHistogram('flowlens_step_queue_seconds', 'Time finished steps waited for a worker before they ran', WAIT_BUCKETS),
    };
    this.exporter = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: [new KeyedProducer('flowlens', [...Object.values(this.perRun), ...this.currentGauges(store, senders)])],
    });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'flowlens-agent' }),
      readers: [this.exporter],
    });
    const meter = this.provider.getMeter('flowlens');
    this.workflows = this.labelCap(
      'workflow',
      limits.maxWorkflows,
      (name) =>
        `metrics: more than ${limits.maxWorkflows} workflows: "${name}" and every later new workflow are counted under ` +
        'workflow="other" (metrics.maxWorkflows; flowlens_label_overflow_total counts them)',
    );
    const histogram = (name: string, description: string, buckets: number[]) =>
      meter.createHistogram(name, { description, advice: { explicitBucketBoundaries: buckets } });
    this.instruments = {
      spans: meter.createCounter('flowlens_received_spans', { description: 'Spans accepted by the receivers' }),
      rejectedSpans: meter.createCounter('flowlens_rejected_spans', { description: 'Spans refused, by reason' }),
      logs: meter.createCounter('flowlens_received_log_records', { description: 'Log records accepted by the receivers' }),
      rejectedLogs: meter.createCounter('flowlens_rejected_log_records', { description: 'Log records refused, by reason' }),
      rejectedRequests: meter.createCounter('flowlens_rejected_requests', { description: 'OTLP requests refused whole (none of their items stored), by reason' }),
      requestDuration: histogram('flowlens_request_duration_seconds', 'OTLP export request duration', REQUEST_BUCKETS),
      analysisDuration: histogram('flowlens_analysis_duration_seconds', 'Duration of an analysis pass', ANALYSIS_BUCKETS),
      duplicates: meter.createCounter('flowlens_duplicate_items', { description: 'Spans and log records dropped as already stored (re-sent)' }),
      overflow: meter.createCounter('flowlens_label_overflow', { description: 'Label values folded into "other" by the cardinality cap' }),
    };
  }

  /** The gauges, each collected as what its callback reports then (`CurrentGauge`). */
  private currentGauges(store: Pick<Store, 'pendingTraces'> & { sizeBytes(): number }, senders: Pick<SenderClocks, 'list'>): CurrentGauge[] {
    const gauges: CurrentGauge[] = [];
    const observe = (name: string, description: string, report: (result: GaugeReport) => void) =>
      gauges.push(new CurrentGauge(name, description, report, this.log));
    observe('flowlens_workflow_last_run_timestamp_seconds', 'Event time of the end of the newest run', (r) => {
      for (const [workflow, ms] of this.lastRun) r.observe(ms / 1000, { workflow });
    });
    observe('flowlens_workflow_expected_interval_seconds', 'Learnt cadence of scheduled workflows', (r) => {
      for (const [workflow, seconds] of this.gauges.cadence) r.observe(seconds, { workflow: this.workflows.value(workflow) });
    });
    observe('flowlens_workflow_health_score', 'Health score 0–100', (r) => {
      for (const [workflow, score] of this.gauges.health) r.observe(score, { workflow: this.workflows.value(workflow) });
    });
    observe('flowlens_anomaly_score', 'Isolation-forest score of the newest run, 0–1', (r) => {
      for (const [workflow, score] of this.gauges.anomaly) r.observe(score, { workflow: this.workflows.value(workflow) });
    });
    observe('flowlens_findings_open', 'Open or acknowledged findings', (r) => {
      const counts = new Map<string, { labels: Record<string, string>; n: number }>();
      // A finding shared by several workflows (one cause failing them all) counts under each: each one's alerts fire.
      for (const f of this.gauges.findings) {
        for (const workflow of f.workflows ?? [f.workflow]) {
          const labels = { workflow: this.workflows.value(workflow), kind: f.kind, severity: f.severity, category: f.category };
          const key = Object.values(labels).join('\u0000');
          const entry = counts.get(key) ?? { labels, n: 0 };
          entry.n++;
          counts.set(key, entry);
        }
      }
      for (const { labels, n } of counts.values()) r.observe(n, labels);
    });
    observe('flowlens_slo_objective_ratio', 'SLO objective as a ratio', (r) => {
      for (const s of this.gauges.slos) r.observe(s.objective / 100, { workflow: s.workflow, slo: s.name });
    });
    // The static burn alerts scale the workbook's 30-day factors by it, as the agent judges its SLOs.
    observe('flowlens_slo_window_seconds', 'SLO window (the period its error budget is for)', (r) => {
      for (const s of this.gauges.slos) r.observe(parseDuration(s.window) / 1000, { workflow: s.workflow, slo: s.name });
    });
    observe('flowlens_slo_error_budget_remaining_ratio', 'Share of the error budget left in the SLO window', (r) => {
      for (const s of this.gauges.slos) r.observe(s.errorBudgetRemaining, { workflow: s.workflow, slo: s.name });
    });
    observe(
      'flowlens_slo_burn_rate',
      "Error-budget burn rate per window, as the agent's alert rules judge it (a short window without runs: the newest run's, while within its rule's long window)",
      (r) => {
        for (const s of this.gauges.slos) for (const [window, rate] of Object.entries(s.judgedBurnRates)) r.observe(rate, { workflow: s.workflow, slo: s.name, window });
      },
    );
    observe('flowlens_slo_sli_ratio', 'Share of good runs per window', (r) => {
      // burn rate = error ratio ÷ (1 − objective), so the window's SLI follows from it.
      for (const s of this.gauges.slos) {
        const allowed = 1 - s.objective / 100;
        for (const [window, rate] of Object.entries(s.burnRates)) r.observe(1 - rate * allowed, { workflow: s.workflow, slo: s.name, window });
      }
    });
    observe('flowlens_store_size_bytes', 'Size of the SQLite store', (r) => r.observe(store.sizeBytes()));
    observe('flowlens_pending_run_traces', 'Large traces whose runs are not yet re-derived from their newest spans', (r) =>
      r.observe(store.pendingTraces().traces),
    );
    observe('flowlens_pending_runs_age_seconds', 'How long the runs of the longest-waiting large trace have trailed its spans (0: none)', (r) => {
      const { sinceMs } = store.pendingTraces();
      r.observe(sinceMs === undefined ? 0 : Math.max(0, Date.now() - sinceMs) / 1000);
    });
    observe(
      'flowlens_sender_lag_seconds',
      "How long after its newest spans ended a sender's exports arrived, the least over 5 to 10 minutes (negative: its clock runs ahead); senders heard from in the last 10 minutes",
      (r) => {
        // Only senders still heard from: a backfill's series ends soon after it, before an alert's `for` elapses.
        for (const sender of senders.list(Date.now(), QUIET_MS)) r.observe(sender.lagMs / 1000, { service: sender.service, host: sender.host });
      },
    );
    return gauges;
  }

  /** Seeds the last-run gauge from the store at start, so a restart does not look like a stall. */
  seedLastRuns(lastRuns: Iterable<[string, number]>): void {
    for (const [workflow, ms] of lastRuns) this.noteLastRun(workflow, ms);
  }

  /** What one group commit wrote: run transitions and the re-sent items it dropped. */
  written(result: WriteResult): void {
    if (result.spansDuplicate > 0) this.instruments.duplicates.add(result.spansDuplicate, { signal: 'traces' });
    if (result.logsDuplicate > 0) this.instruments.duplicates.add(result.logsDuplicate, { signal: 'logs' });
    this.runsChanged(result.transitions);
  }

  private runsChanged(transitions: readonly RunTransition[]): void {
    for (const { run, previousStatus } of transitions) {
      if (!terminal(run.status)) continue;
      this.noteLastRun(run.workflow, run.endMs);
      if (!terminal(previousStatus)) this.countRun(run);
      else this.countLate(run);
    }
  }

  requestDone(info: RequestInfo): void {
    const labels = { transport: info.transport };
    this.instruments.requestDuration.record(info.durationMs / 1000, { ...labels, signal: info.signal ?? 'unknown' });
    if (!info.signal) return;
    const [received, rejected] =
      info.signal === 'traces' ? [this.instruments.spans, this.instruments.rejectedSpans] : [this.instruments.logs, this.instruments.rejectedLogs];
    if (info.items > 0) received.add(info.items, labels);
    if (info.rejected > 0) rejected.add(info.rejected, { ...labels, reason: info.reason ?? 'partial' });
    // A request refused whole often has no items to count (unreadable, too large, of another type): it counts itself.
    if (info.status !== OK_STATUS[info.transport]) {
      this.instruments.rejectedRequests.add(1, { ...labels, signal: info.signal, reason: info.reason ?? 'consumer_error' });
    }
  }

  analysisDone(durationMs: number, gauges: AnalysisGauges): void {
    this.instruments.analysisDuration.record(durationMs / 1000);
    this.gauges = gauges;
  }

  /** Serves GET /metrics in the Prometheus text format. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    this.exporter.getMetricsRequestHandler(request, response);
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }

  /** At most the agent's clock: a sender whose clock runs ahead must not put a workflow's last run in the future. */
  private noteLastRun(workflow: string, endMs: number): void {
    const label = this.workflows.value(workflow);
    const atMs = Math.min(endMs, Date.now());
    if ((this.lastRun.get(label) ?? 0) < atMs) this.lastRun.set(label, atMs);
  }

  private countRun(run: RunRecord): void {
    const series = this.seriesOf(run.workflow);
    series.runs(run.runner, run.status).value++;
    series.duration.record(run.durationMs / 1000);
    const counted: CountedRun = { waited: false };
    this.countWait(run, series, counted);
    for (const step of run.steps) if (countable(step)) this.countStep(step, run, series, counted);
    this.counted.add(run.id, counted);
  }

  /** A finished run re-derived: the steps it gained, and the waits first known now. */
  private countLate(run: RunRecord): void {
    const counted = this.counted.take(run.id);
    if (counted === undefined) return;
    const series = this.seriesOf(run.workflow);
    if (!counted.waited) this.countWait(run, series, counted);
    const had = counted.steps?.size ?? 0;
    for (const step of run.steps) {
      if (!countable(step)) continue;
      const id = countedAs(counted, step);
      if (id === undefined) this.countStep(step, run, series, counted);
      else if (step.queueMs !== undefined && counted.steps?.get(id) === false) {
        series.step(step.name).wait().record(step.queueMs / 1000);
        counted.steps.set(id, true);
      }
    }
    this.counted.grew((counted.steps?.size ?? 0) - had);
  }

  private countWait(run: RunRecord, series: WorkflowSeries, counted: CountedRun): void {
    const waited = waitedMs(run);
    if (waited === undefined) return;
    series.wait().record(waited / 1000);
    counted.waited = true;
  }

  private countStep(step: StepRecord, run: RunRecord, series: WorkflowSeries, counted: CountedRun): void {
    const stepSeries = series.step(step.name);
    stepSeries.runs(step.status).value++;
    stepSeries.duration.record(step.durationMs / 1000);
    // Retries that succeeded, which hide failures; a failed step's tries are in its failure.
    if (passedOnRetry(step, run)) stepSeries.retries().value += extraTries(step, run);
    if (step.queueMs !== undefined) stepSeries.wait().record(step.queueMs / 1000);
    (counted.steps ??= new Map()).set(step.id, step.queueMs !== undefined);
  }

  /**
   * A cap on a label's values: every value folded into `other` is counted in flowlens_label_overflow_total, and
   * the first is logged, once per cap: past the cap, each new name would otherwise be a line.
   */
  private labelCap(label: 'workflow' | 'step', max: number, message: (name: string) => string): LabelCap {
    return new LabelCap(max, (name, first) => {
      this.instruments.overflow.add(1, { label });
      if (first) this.log(message(name));
    });
  }

  /** The series of a workflow's label, made on its first run. */
  private seriesOf(name: string): WorkflowSeries {
    const workflow = this.workflows.value(name);
    return getOrMake(this.series, workflow, () => this.newWorkflowSeries(workflow));
  }

  private newWorkflowSeries(workflow: string): WorkflowSeries {
    const { runs, stepRuns, stepRetries, runDuration, stepDuration, runWait, stepWait } = this.perRun;
    const byRunner = new Map<string, Map<string, CounterSeries>>();
    const steps = this.labelCap(
      'step',
      this.limits.maxStepsPerWorkflow,
      (name) =>
        `metrics: workflow "${workflow}" has more than ${this.limits.maxStepsPerWorkflow} steps: "${name}" and every later ` +
        'new step are counted under step="other" (metrics.maxStepsPerWorkflow; flowlens_label_overflow_total counts them)',
    );
    const bySteps = new Map<string, StepSeries>();
    let wait: HistogramSeries | undefined;
    return {
      duration: runDuration.seriesOf(workflow, () => ({ workflow })),
      // Made on a run's first reported wait: many runners report none.
      wait: () => (wait ??= runWait.seriesOf(workflow, () => ({ workflow }))),
      runs(runner, status) {
        const byStatus = getOrMake(byRunner, runner, () => new Map<string, CounterSeries>());
        const counter = (s: string) =>
          getOrMake(byStatus, s, () => runs.seriesOf(`${workflow}\u0000${runner}\u0000${s}`, () => ({ workflow, runner, status: s })));
        // Every status starts at 0, so Prometheus' increase() sees a workflow's first timeout or cancellation: a
        // series whose first sample is already 1 loses that event. Steps' series are made on first use instead:
        // seven series per step would multiply the cardinality for little.
        if (byStatus.size === 0) for (const start of FINAL_STATUSES) counter(start);
        return counter(status);
      },
      step(name) {
        const step = steps.value(name);
        return getOrMake(bySteps, step, () => {
          const key = `${workflow}\u0000${step}`;
          const byStatus = new Map<string, CounterSeries>();
          let retries: CounterSeries | undefined;
          let wait: HistogramSeries | undefined;
          return {
            duration: stepDuration.seriesOf(key, () => ({ workflow, step })),
            // Made on a step's first retry: most steps never retry, and a series of zeros per step is noise.
            retries: () => (retries ??= stepRetries.seriesOf(key, () => ({ workflow, step }))),
            wait: () => (wait ??= stepWait.seriesOf(key, () => ({ workflow, step }))),
            runs: (status) => getOrMake(byStatus, status, () => stepRuns.seriesOf(`${key}\u0000${status}`, () => ({ workflow, step, status }))),
          };
        });
      },
    };
  }
}

/** The value of `key` in `map`, made and kept the first time. */
function getOrMake<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** A workflow label's series, found once rather than by a key built for every run and step counted. */
interface WorkflowSeries {
  duration: HistogramSeries;
  wait(): HistogramSeries;
  runs(runner: string, status: string): CounterSeries;
  /** The series of a step name (names past the cap share those of `other`). */
  step(name: string): StepSeries;
}

interface StepSeries {
  duration: HistogramSeries;
  runs(status: string): CounterSeries;
  retries(): CounterSeries;
  wait(): HistogramSeries;
}
