import { setLogger as setGrpcLogger } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ConfigInput, FlowLensConfig } from './config/schema.js';
import { ConfigError } from './config/error.js';
import { loadConfig, resolveConfig } from './config/load.js';
import type { Receiver, ReceiverSettings } from './receive/config.js';
import type { OtlpConsumer } from './receive/consumer.js';
import { createGrpcReceiver } from './receive/grpc-receiver.js';
import { createHttpReceiver } from './receive/http-receiver.js';
import { listenError } from './runtime/listen-error.js';
import { createLogger, type Logger } from './runtime/logger.js';
import { shutdownSteps } from './runtime/shutdown.js';
import { browserGuard } from './security/browser-guard.js';
import { TokenSet } from './security/tokens.js';
import type { AnalysisService } from './service/analysis-service.js';
import { createTenantRuntime, type TenantRuntime } from './service/tenant-runtime.js';
import { DEFAULT_TENANT, storePathOf, tenantsOf } from './service/tenants.js';
import type { SqliteStore } from './store/sqlite/index.js';

export interface RunningAgent {
  config: FlowLensConfig;
  apiUrl: string;
  otlpHttpUrl: string | undefined;
  otlpGrpcAddress: string | undefined;
  /** The default tenant's store and analysis (the only ones without tenant tokens). */
  store: SqliteStore;
  analysis: AnalysisService;
  tenants: ReadonlyMap<string, TenantRuntime>;
  stop(): Promise<void>;
}

/**
 * Starts the whole agent: stores, receivers, write queues, analysis, API. `input` is validated like a
 * configuration file (ports may be 0 for ephemeral ones).
 */
export async function startAgent(input: ConfigInput = {}, options: { logger?: Logger } = {}): Promise<RunningAgent> {
  return startConfiguredAgent(resolveConfig(input), options.logger);
}

/** Loads configuration (file, then `FLOWLENS_…` environment) and starts the agent. */
export async function startAgentFromFile(path: string | undefined, logger?: Logger): Promise<RunningAgent> {
  return startConfiguredAgent(await loadConfig(path), logger);
}

/** Starts the agent from an already validated configuration. */
export async function startConfiguredAgent(config: FlowLensConfig, givenLogger?: Logger): Promise<RunningAgent> {
  const logger = givenLogger ?? createLogger(config.log.level);
  const tls = readTls(config);
  const scheme = tls ? 'https' : 'http';
  const apiTokens = new TokenSet(config.auth.apiTokens);
  const ingestTokens = new TokenSet(config.auth.ingestTokens);
  const runtimes = new Map<string, TenantRuntime>();
  let ready = false;

  // The API listens first so its port is known for links; until the tenants are up it answers 503.
  const host = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const addressOf = (listen: { host: string; port: number }) => `${host(listen.host)}:${listen.port}`;
  const server = listenApi(config, tls, apiTokens, (tenant) => (ready ? runtimes.get(tenant) : undefined));
  const { listen: api } = config.api;
  await listen(server, api.host, api.port).catch((error: unknown) => {
    throw listenError('api.listen', addressOf(api), error);
  });
  const apiUrl = `${scheme}://${host(api.host)}:${(server.address() as AddressInfo).port}`;

  /** Each receiver with the address its key chose, which a failed start names. */
  const receivers: { kind: 'http' | 'grpc'; receiver: Receiver; address: string }[] = [];
  // A store that cannot open (read-only, full disk), a port taken: leave nothing listening behind the error.
  const abandon = async (error: unknown): Promise<never> => {
    await Promise.all(receivers.map(({ receiver }) => receiver.stop()));
    await Promise.all([...runtimes.values()].map((runtime) => runtime.stop()));
    await closeServer(server);
    throw error;
  };
  try {
    for (const tenant of tenantsOf(config)) {
      runtimes.set(
        tenant,
        createTenantRuntime({
          config,
          tenant,
          storePath: storePathOf(config.storage.path, tenant),
          logger,
          ready: () => ready,
          externalUrl: config.api.externalUrl ?? apiUrl,
        }),
      );
    }
  } catch (error) {
    await abandon(error);
  }
  const operator = runtimes.get(DEFAULT_TENANT)!;
  const consumer: OtlpConsumer = {
    consumeTraces: (batch, { tenant }) => {
      const runtime = runtimes.get(tenant)!;
      runtime.senders.observe(batch.resourceSpans, Date.now());
      return runtime.queue.consumeTraces(batch);
    },
    consumeLogs: (batch, { tenant }) => runtimes.get(tenant)!.queue.consumeLogs(batch),
  };
  const settings: ReceiverSettings = {
    maxBodyBytes: config.otlp.maxBodySize,
    requestTimeoutMs: config.otlp.requestTimeout,
    // The agent's own ingest figures belong to the operator, not to any tenant.
    observer: { requestDone: (info) => operator.metrics.requestDone(info) },
    ...(ingestTokens.enabled && { authenticate: (authorization) => ingestTokens.check(authorization) }),
    ...(tls && { tls }),
  };
  if (config.otlp.http) {
    receivers.push({ kind: 'http', receiver: createHttpReceiver({ ...settings, ...config.otlp.http }, consumer), address: addressOf(config.otlp.http) });
  }
  // grpc-js writes to stderr in a format of its own: into the agent's log instead, but for a failed bind, which
  // the start reports as the key to change (`listenError`). Its info and debug lines come only with GRPC_VERBOSITY.
  if (config.otlp.grpc) {
    const detail = (parts: unknown[]) => ({ detail: parts.join(' ') });
    setGrpcLogger({
      error: (...parts: unknown[]) => {
        if (!/^No address added/.test(String(parts[0]))) logger.warn('gRPC', detail(parts));
      },
      info: (...parts: unknown[]) => logger.info('gRPC', detail(parts)),
      debug: (...parts: unknown[]) => logger.debug('gRPC', detail(parts)),
    });
    receivers.push({ kind: 'grpc', receiver: createGrpcReceiver({ ...settings, ...config.otlp.grpc }, consumer), address: addressOf(config.otlp.grpc) });
  }
  const bound: Record<string, number> = {};
  for (const { kind, receiver, address } of receivers) {
    bound[kind] = (await receiver.start().catch((error: unknown) => abandon(listenError(`otlp.${kind}`, address, error)))).port;
  }
  for (const runtime of runtimes.values()) runtime.start();
  ready = true;

  const otlpHttpUrl = config.otlp.http ? `${scheme}://${host(config.otlp.http.host)}:${bound.http}` : undefined;
  const otlpGrpcAddress = config.otlp.grpc ? `${host(config.otlp.grpc.host)}:${bound.grpc}` : undefined;
  logger.info('flowlens agent started', {
    api: apiUrl,
    otlpHttp: otlpHttpUrl ?? 'off',
    otlpGrpc: otlpGrpcAddress ?? 'off',
    store: config.storage.path,
    tenants: runtimes.size - 1,
    ingestAuth: ingestTokens.enabled,
    apiAuth: apiTokens.enabled,
    tls: Boolean(tls),
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    apiUrl,
    otlpHttpUrl,
    otlpGrpcAddress,
    store: operator.store,
    analysis: operator.analysis,
    tenants: runtimes,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        // Stop accepting, let in-flight requests finish, write what was acknowledged, then close: every step runs
        // even when one before it failed, so nothing is left open (a tenant logs its own failed steps).
        const step = shutdownSteps(logger);
        const clean = [
          ...(await Promise.all(receivers.map(({ kind, receiver }) => step(`stopping the OTLP/${kind} receiver`, () => receiver.stop())))),
          ...(await Promise.all([...runtimes.values()].map((runtime) => runtime.stop()))),
          await step('closing the API server', () => closeServer(server)),
        ].every(Boolean);
        if (!clean) throw new Error('the agent stopped, but not cleanly (see the errors logged)');
        logger.info('flowlens agent stopped');
      })()),
  };
}

/**
 * The API server: requests web pages must not make refused (`browser-guard.ts`), then the bearer-token check (if
 * API tokens are configured), then the token's tenant's API or metrics. Whether `/metrics` and the health probes
 * need a token is configurable.
 */
function listenApi(
  config: FlowLensConfig,
  tls: { cert: Buffer; key: Buffer } | undefined,
  tokens: TokenSet,
  runtimeOf: (tenant: string) => TenantRuntime | undefined,
): Server {
  const guard = browserGuard(config.api.listen.host, config.api.externalUrl);
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const refused = guard(request.method ?? 'GET', request.headers);
    if (refused) return sendJson(response, 403, { error: { message: refused } });
    // @hono/node-server answers 400 to a Host its URL parser would write otherwise, as it does any IPv6 literal
    // but the shortest (`[::ffff:127.0.0.1]` is `[::ffff:7f00:1]`): hand it the parser's spelling.
    if (request.headers.host?.startsWith('[')) request.headers.host = urlHost(request.headers.host);
    const path = (request.url ?? '/').split('?')[0]!;
    const isMetrics = path === '/metrics';
    const isProbe = path === '/healthz' || path === '/readyz';
    const open = !tokens.enabled || (isMetrics && !config.auth.metricsRequireToken) || (isProbe && !config.auth.healthRequireToken);
    let tenant = DEFAULT_TENANT;
    // A token presented where none is required still picks its tenant: a tenant's scraper must never get the
    // default tenant's metrics, and a wrong token is refused rather than silently read as no token.
    if (!open || request.headers.authorization !== undefined) {
      const result = tokens.check(request.headers.authorization);
      if (!result.ok) return sendJson(response, 401, { error: { message: result.reason } }, { 'WWW-Authenticate': 'Bearer' });
      tenant = result.tenant ?? DEFAULT_TENANT;
    }
    const runtime = runtimeOf(tenant);
    if (!runtime) {
      if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
      return sendJson(response, 503, { error: { message: 'the agent is starting or stopping' } }, { 'Retry-After': '1' });
    }
    if (isMetrics) runtime.metrics.handle(request, response);
    else runtime.api(request, response);
  };
  return tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
}

function urlHost(host: string): string {
  try {
    return new URL(`http://${host}`).host;
  } catch {
    return host;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function readTls(config: FlowLensConfig): { cert: Buffer; key: Buffer } | undefined {
  if (!config.tls.cert || !config.tls.key) return undefined;
  try {
    return { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
  } catch (error) {
    throw new ConfigError(`tls: cannot read the certificate or key: ${(error as Error).message}`);
  }
}

/** Closes the server, ending idle keep-alive connections instead of waiting for their clients to. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
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
