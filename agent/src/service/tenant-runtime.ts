import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApi } from '../api/app.js';
import { TemplateMiner, type TemplateState } from '../analyse/templates/index.js';
import type { FlowLensConfig } from '../config/schema.js';
import { createAlertmanagerNotifier } from '../export/alertmanager.js';
import { FlowLensMetrics } from '../export/metrics.js';
import { untilNextPassMs } from '../export/schedule-interval.js';
import { SenderClocks } from '../ingest/sender-clocks.js';
import { TemplateTracker } from '../ingest/template-tracker.js';
import { WriteQueue } from '../ingest/write-queue.js';
import type { OtlpSpan } from '../model/otlp.js';
import { modelTrace } from '../normalise/index.js';
import { BackpressureError } from '../receive/consumer.js';
import type { Logger } from '../runtime/logger.js';
import { shutdownSteps } from '../runtime/shutdown.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { AnalysisService, type AnalysisListener } from './analysis-service.js';
import { createAnalysisView } from './analysis-view.js';
import { PatternRecorder } from './pattern-recorder.js';
import { RetentionJob } from './retention.js';

/**
 * Everything that holds one tenant's data: its own store file, template miner, write queue, analysis,
 * metrics and API. Tenants never share a store, so no query can mix their data.
 */
export interface TenantRuntime {
  tenant: string;
  store: SqliteStore;
  queue: WriteQueue;
  analysis: AnalysisService;
  metrics: FlowLensMetrics;
  /** How far the clocks of those sending spans are from the agent's, fed on arrival. */
  senders: SenderClocks;
  /** Serves this tenant's REST API. */
  api: (request: IncomingMessage, response: ServerResponse) => void;
  start(): void;
  /** Stops and closes everything, each step even when one before it failed; resolves to whether all succeeded. */
  stop(): Promise<boolean>;
}

export interface RuntimeOptions {
  config: FlowLensConfig;
  tenant: string;
  storePath: string;
  logger: Logger;
  ready: () => boolean;
  /** Base URL of the API, for links to findings. */
  externalUrl: string;
}

export function createTenantRuntime({ config, tenant, storePath, logger, ready, externalUrl }: RuntimeOptions): TenantRuntime {
  const store = new SqliteStore(storePath, { maxSpansPerTrace: config.otlp.maxSpansPerTrace });
  const templates = new TemplateTracker(restoreMiner(store.loadMinerState(), logger));
  const templateOf = (message: string) => templates.of(message);
  const senders = new SenderClocks();
  const metrics = new FlowLensMetrics(config.metrics, (message) => logger.warn(message, { tenant }), store, senders);
  metrics.seedLastRuns(store.lastRunByWorkflow());
  const patterns = new PatternRecorder(store, templateOf);
  const logFullTraces = fullTraceLog(logger, tenant, config.otlp.maxSpansPerTrace);

  const queue = new WriteQueue(
    { maxPendingItems: config.otlp.maxPendingItems },
    {
      store,
      model: modelTrace,
      mineLog: (record) => (record.body ? templates.add(record.body) : undefined),
      templateOf,
      takeMerges: () => templates.takeMerges(),
      onWritten: (result, logs, logTemplates) => {
        metrics.written(result);
        patterns.written(result, logs, logTemplates);
        if (result.spansRefused.length > 0) logFullTraces(result.spansRefused);
      },
      onFailed: failureLog(logger, tenant),
      onRemodelFailed: (error, traces) =>
        logger.warn('the runs of large traces could not be re-derived; each is tried again later', { error: error.message, traces, tenant }),
    },
  );

  const listeners: AnalysisListener[] = [
    {
      analysed: (output, active, _resolved, durationMs) => {
        metrics.analysisDone(durationMs, {
          // An unknown health (too few runs) is no score at all, not a score of 0 that alerts would page on.
          health: new Map([...output.health].filter(([, report]) => report.status !== 'unknown').map(([workflow, report]) => [workflow, report.score])),
          anomaly: output.anomalyScores,
          cadence: output.cadences,
          slos: output.slos,
          findings: active,
        });
        // A miner saved after merges the store was not told of would leave their counts apart for good.
        if (queue.writeMerges()) store.saveMinerState(templates.snapshot());
      },
    },
  ];
  if (config.alertmanager.url) {
    const notifier = createAlertmanagerNotifier(
      {
        url: config.alertmanager.url,
        resendInterval: config.alertmanager.resendInterval,
        externalUrl,
        grafanaUrl: config.alertmanager.grafanaUrl,
        tenant,
        grafanaOrgId: config.alertmanager.grafanaOrgs[tenant],
        ...(config.analysis.enabled && { untilNextPassMs: (nowMs: number) => untilNextPassMs(config.analysis.schedule, nowMs) }),
      },
      { logger },
    );
    listeners.push({ analysed: (_output, active, resolved) => void notifier.notify([...active, ...resolved]) });
  }
  const analysis = new AnalysisService(store, config, templateOf, listeners, logger, (templateId) => templates.current(templateId));
  const api = getRequestListener(
    createApi({ store, analysis: createAnalysisView(analysis, store, templateOf), now: () => Date.now(), ready, senders }).fetch,
  );
  const retention = new RetentionJob(store, config.storage.retention, logger);

  return {
    tenant,
    store,
    queue,
    analysis,
    metrics,
    senders,
    api: (request, response) => void api(request, response),
    start() {
      retention.start();
      analysis.start();
    },
    async stop() {
      const step = shutdownSteps(logger, { tenant });
      const results = [
        await step('stopping the analysis', () => analysis.stop()),
        await step('stopping retention', () => retention.stop()),
        await step('writing the queued batches', () => queue.close()),
        await step('saving the log templates', () => store.saveMinerState(templates.snapshot())),
        await step('flushing the metrics', () => metrics.shutdown()),
        await step('closing the store', () => store.close()),
      ];
      return results.every(Boolean);
    },
  };
}

/** A line per this many ms at most: a full disk fails every batch, a hundred a second under load. */
const FAILURE_LOG_MS = 10_000;

/**
 * Says that batches could not be stored, which senders only learn from their replies: a warning while they may
 * retry (a full disk, a locked store), an error when not. The rest are counted in flowlens_rejected_spans_total.
 */
function failureLog(logger: Logger, tenant: string): (error: Error, items: number) => void {
  let lastMs = -Infinity;
  return (error, items) => {
    const now = performance.now();
    if (now - lastMs < FAILURE_LOG_MS) return;
    lastMs = now;
    const retryable = error instanceof BackpressureError;
    logger[retryable ? 'warn' : 'error'](`a batch could not be stored; its senders were answered ${retryable ? '503, to retry' : 'with an error'}`, {
      error: error.message,
      items,
      tenant,
    });
  };
}

/** Traces remembered as already logged full; past it, a full trace may be logged again. */
const FULL_TRACES_LOGGED = 1_000;

/** Logs each trace once as it first refuses spans: its senders are told on every request, the operator once. */
function fullTraceLog(logger: Logger, tenant: string, maxSpansPerTrace: number): (refused: readonly OtlpSpan[]) => void {
  const logged = new Set<string>();
  return (refused) => {
    for (const { traceId } of refused) {
      if (logged.has(traceId)) continue;
      if (logged.size >= FULL_TRACES_LOGGED) logged.clear();
      logged.add(traceId);
      logger.warn('a trace holds as many spans as a trace may (otlp.maxSpansPerTrace); its later spans are refused', {
        traceId,
        maxSpansPerTrace,
        tenant,
      });
    }
  };
}

function restoreMiner(rows: unknown[], logger: Logger): TemplateMiner {
  try {
    return TemplateMiner.restore(rows as TemplateState[]);
  } catch (error) {
    logger.warn('saved templates could not be read; starting with none', { error: (error as Error).message });
    return new TemplateMiner();
  }
}
