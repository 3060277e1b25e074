import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApi } from './api/app.js';
import { TemplateMiner, type TemplateState } from './analyse/templates/index.js';
import type { ConfigInput, FlowLensConfig } from './config/schema.js';
import { loadConfig, resolveConfig } from './config/load.js';
import { FlowLensMetrics } from './export/metrics.js';
import { TemplateTracker } from './ingest/template-tracker.js';
import { WriteQueue } from './ingest/write-queue.js';
import { modelTrace } from './normalise/index.js';
import { createGrpcReceiver } from './receive/grpc-receiver.js';
import { createHttpReceiver } from './receive/http-receiver.js';
import type { Receiver } from './receive/config.js';
import type { ReceiverObserver } from './receive/observer.js';
import { createLogger, type Logger } from './runtime/logger.js';
import { AnalysisService, type AnalysisListener } from './service/analysis-service.js';
import { createAlertmanagerNotifier } from './export/alertmanager.js';
import { createAnalysisView } from './service/analysis-view.js';
import { PatternRecorder } from './service/pattern-recorder.js';
import { RetentionJob } from './service/retention.js';
import { SqliteStore } from './store/sqlite/index.js';

export interface RunningAgent {
  config: FlowLensConfig;
  apiUrl: string;
  otlpHttpUrl: string | undefined;
  otlpGrpcAddress: string | undefined;
  store: SqliteStore;
  analysis: AnalysisService;
  stop(): Promise<void>;
}

/**
 * Starts the whole agent: store, receivers, write queue, analysis, API. `config` is validated like a
 * configuration file (ports may be 0 for ephemeral ones).
 */
export function startAgent(input: ConfigInput = {}, options: { logger?: Logger } = {}): Promise<RunningAgent> {
  return startConfiguredAgent(resolveConfig(input), options.logger);
}

/** Loads configuration (file, then `FLOWLENS_…` environment) and starts the agent. */
export async function startAgentFromFile(path: string | undefined, logger?: Logger): Promise<RunningAgent> {
  return startConfiguredAgent(await loadConfig(path), logger);
}

/** Starts the agent from an already validated configuration. */
export async function startConfiguredAgent(config: FlowLensConfig, givenLogger?: Logger): Promise<RunningAgent> {
  const logger = givenLogger ?? createLogger(config.log.level);
  const store = new SqliteStore(config.storage.path);
  const templates = new TemplateTracker(restoreMiner(store.loadMinerState(), logger));
  const templateOf = (message: string) => templates.of(message);
  const metrics = new FlowLensMetrics(config.metrics, (message) => logger.warn(message), () => store.sizeBytes());
  metrics.seedLastRuns(store.lastRunByWorkflow());
  const patterns = new PatternRecorder(store, templateOf);

  const queue = new WriteQueue(
    { maxPendingItems: config.otlp.maxPendingItems },
    {
      store,
      model: modelTrace,
      mineLog: (record) => (record.body ? templates.add(record.body) : undefined),
      templateOf,
      takeMerges: () => templates.takeMerges(),
      onWritten: (result, logs, logTemplates) => {
        metrics.runsChanged(result.transitions);
        patterns.written(result, logs, logTemplates);
      },
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
        store.saveMinerState(templates.snapshot());
      },
    },
  ];
  const analysis = new AnalysisService(store, config, templateOf, listeners, logger);

  let ready = false;
  const observer: ReceiverObserver = { requestDone: (info) => metrics.requestDone(info) };
  const receivers: { kind: 'http' | 'grpc'; receiver: Receiver }[] = [];
  if (config.otlp.http) {
    receivers.push({ kind: 'http', receiver: createHttpReceiver({ ...config.otlp.http, maxBodyBytes: config.otlp.maxBodySize, observer }, queue) });
  }
  if (config.otlp.grpc) {
    receivers.push({ kind: 'grpc', receiver: createGrpcReceiver({ ...config.otlp.grpc, maxBodyBytes: config.otlp.maxBodySize, observer }, queue) });
  }

  const api = createApi({
    store,
    analysis: createAnalysisView(analysis, store, templateOf),
    now: () => Date.now(),
    ready: () => ready,
  });
  const honoListener = getRequestListener(api.fetch);
  const server: Server = createServer((request, response) => {
    if (request.url === '/metrics' || request.url?.startsWith('/metrics?')) metrics.handle(request, response);
    else void honoListener(request, response);
  });
  await listen(server, config.api.listen.host, config.api.listen.port);
  const apiPort = (server.address() as AddressInfo).port;

  const host = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const bound: Record<string, number> = {};
  for (const { kind, receiver } of receivers) bound[kind] = (await receiver.start()).port;
  if (config.alertmanager.url) {
    const notifier = createAlertmanagerNotifier(
      {
        url: config.alertmanager.url,
        resendInterval: config.alertmanager.resendInterval,
        externalUrl: config.api.externalUrl ?? `http://${host(config.api.listen.host)}:${apiPort}`,
      },
      { logger },
    );
    listeners.push({ analysed: (_output, active, resolved) => void notifier.notify([...active, ...resolved]) });
  }
  const retention = new RetentionJob(store, config.storage.retention, logger);
  retention.start();
  analysis.start();
  ready = true;
  logger.info('flowlens agent started', {
    api: `${config.api.listen.host}:${apiPort}`,
    otlpHttp: config.otlp.http ? `${config.otlp.http.host}:${bound.http}` : 'off',
    otlpGrpc: config.otlp.grpc ? `${config.otlp.grpc.host}:${bound.grpc}` : 'off',
    store: config.storage.path,
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    apiUrl: `http://${host(config.api.listen.host)}:${apiPort}`,
    otlpHttpUrl: config.otlp.http ? `http://${host(config.otlp.http.host)}:${bound.http}` : undefined,
    otlpGrpcAddress: config.otlp.grpc ? `${host(config.otlp.grpc.host)}:${bound.grpc}` : undefined,
    store,
    analysis,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        analysis.stop();
        retention.stop();
        // Stop accepting, let in-flight requests finish, write what was acknowledged, then close.
        await Promise.all(receivers.map(({ receiver }) => receiver.stop()));
        await queue.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        store.saveMinerState(templates.snapshot());
        await metrics.shutdown();
        store.close();
        logger.info('flowlens agent stopped');
      })()),
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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
