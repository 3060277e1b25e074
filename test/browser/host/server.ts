import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const PLUGIN_ID = 'flowlens-workflows-app';
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.md': 'text/markdown',
};

export interface PluginSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: { agentUrl?: string };
  /** Kept server-side like Grafana's encrypted secureJsonData; the page only learns which keys are set. */
  secureJsonData: { apiToken?: string };
}

export interface ProxiedRequest {
  method: string;
  target: string;
  authorization?: string;
  body?: string;
}

export interface HostServer {
  url: string;
  settings: PluginSettings;
  /** Every request forwarded to the agent, as the agent received it. */
  proxied: ProxiedRequest[];
  close(): Promise<void>;
}

interface Options {
  hostBundle: string;
  pluginDist: string;
  iconsDir: string;
  settings: PluginSettings;
}

/**
 * The stand-in for Grafana's server, on 127.0.0.1: serves the host page, the plugin's files under
 * public/plugins/<id>/, the plugin settings API, and the plugin proxy route from plugin.json (`api` →
 * `{{ .JsonData.agentUrl }}` with `Authorization: Bearer {{ .SecureJsonData.apiToken }}`).
 */
export async function startHostServer(options: Options): Promise<HostServer> {
  const pluginJson = JSON.parse(readFileSync(join(options.pluginDist, 'plugin.json'), 'utf8'));
  const state: HostServer = { url: '', settings: options.settings, proxied: [], close: async () => {} };

  const meta = () => ({
    ...pluginJson,
    enabled: state.settings.enabled,
    pinned: state.settings.pinned,
    jsonData: state.settings.jsonData,
    secureJsonFields: Object.fromEntries(Object.keys(state.settings.secureJsonData).map((k) => [k, true])),
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, 'application/json', JSON.stringify({ message: err.message })));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://host');
    const path = url.pathname;
    if (path === '/host.js') {
      return sendFile(res, options.hostBundle);
    }
    if (path.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      return sendFile(res, inside(options.pluginDist, path.slice(`/public/plugins/${PLUGIN_ID}/`.length)));
    }
    if (path.startsWith('/public/build/img/icons/')) {
      return sendFile(res, inside(options.iconsDir, path.slice('/public/build/img/icons/'.length)));
    }
    if (path === `/api/plugins/${PLUGIN_ID}/settings`) {
      if (req.method === 'POST') {
        const update = JSON.parse(await readBody(req)) as Partial<PluginSettings>;
        state.settings = {
          enabled: update.enabled ?? state.settings.enabled,
          pinned: update.pinned ?? state.settings.pinned,
          jsonData: update.jsonData ?? state.settings.jsonData,
          secureJsonData: { ...state.settings.secureJsonData, ...update.secureJsonData },
        };
        return send(res, 200, 'application/json', JSON.stringify({ message: 'Plugin settings updated' }));
      }
      return send(res, 200, 'application/json', JSON.stringify(meta()));
    }
    const proxyPrefix = `/api/plugin-proxy/${PLUGIN_ID}/api`;
    if (path.startsWith(`${proxyPrefix}/`)) {
      return proxy(req, res, path.slice(proxyPrefix.length) + url.search);
    }
    if (path === '/' || path.startsWith('/a/') || path.startsWith('/plugins/')) {
      return send(res, 200, 'text/html', INDEX_HTML);
    }
    send(res, 404, 'application/json', JSON.stringify({ message: 'Not found' }));
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, rest: string) {
    const base = state.settings.jsonData.agentUrl ?? '';
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const authorization = `Bearer ${state.settings.secureJsonData.apiToken ?? ''}`;
    const target = `${base.replace(/\/$/, '')}${rest}`;
    state.proxied.push({ method: req.method ?? 'GET', target, authorization, body });
    try {
      const answer = await fetch(target, {
        method: req.method,
        headers: { authorization, ...(body ? { 'content-type': req.headers['content-type'] ?? 'application/json' } : {}) },
        body,
      });
      send(res, answer.status, answer.headers.get('content-type') ?? 'application/json', Buffer.from(await answer.arrayBuffer()));
    } catch {
      // Grafana's reverse proxy answers 502 when the route's URL cannot be reached.
      send(res, 502, 'application/json', JSON.stringify({ message: 'Bad Gateway' }));
    }
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return state;
}

function inside(root: string, relative: string): string {
  const file = resolve(root, normalize(decodeURIComponent(relative)));
  if (!file.startsWith(resolve(root))) {
    throw new Error(`outside ${root}: ${relative}`);
  }
  return file;
}

function sendFile(res: ServerResponse, file: string) {
  if (!existsSync(file)) {
    return send(res, 404, 'text/plain', 'not found');
  }
  send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

// Grafana's index.html sets the base, the boot data the runtime reads at import time, and the public path.
const INDEX_HTML = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <base href="/" />
    <title>FlowLens host</title>
    <script>
      window.__grafana_public_path__ = '/public/';
      window.grafanaBootData = {
        settings: { appSubUrl: '', buildInfo: { version: '12.4.0', edition: 'Open Source' }, featureToggles: {}, apps: {} },
        user: { login: 'oncall-host', name: 'On-call', orgRole: 'Admin', isSignedIn: true, lightTheme: false, timezone: 'utc' },
        navTree: [],
      };
    </script>
  </head>
  <body>
    <div id="root"></div>
    <script src="/host.js"></script>
  </body>
</html>`;
