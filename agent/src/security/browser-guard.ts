import type { IncomingHttpHeaders } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Keeps web pages from using an API they can reach (one on the same machine, open or not): a page on another
 * site can send a POST without a CORS preflight (a form, `text/plain`), and through DNS rebinding a name it controls
 * resolves to 127.0.0.1, so that its own requests, reads included, reach the API under that name. Clients that are
 * not browsers (the CLI, Grafana's server-side proxy, which drops Origin and names the agent's address as Host,
 * Prometheus) are not affected.
 */
export function browserGuard(listenHost: string, externalUrl?: string): (method: string, headers: IncomingHttpHeaders) => string | undefined {
  const loopback = isLoopback(listenHost);
  // The name a reverse proxy in front of a loopback API passes on, with or without its scheme's default port.
  const external = externalUrl ? new URL(externalUrl) : undefined;
  const isExternal = (host: string) =>
    external !== undefined && (host.toLowerCase() === external.host || host.toLowerCase() === `${external.hostname}:${defaultPort(external.protocol)}`);
  return (method, { host, origin }) => {
    // On loopback only a local name is right: any other was resolved to this machine by someone else's DNS.
    if (loopback && host !== undefined && !isLoopback(hostname(host)) && !isExternal(host)) {
      return `refused: Host ${JSON.stringify(host)} is neither a loopback name (localhost, 127.0.0.1, [::1]) nor api.externalUrl's`;
    }
    if (origin !== undefined && !SAFE_METHODS.has(method) && !sameHost(origin, host)) {
      return `refused: a ${method} from another site (Origin ${JSON.stringify(origin)})`;
    }
    return undefined;
  };
}

/** Methods that change nothing, which browsers let any page send anyway. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Loopback names, as a client may write them (`localhost.`, fully qualified, too), and loopback addresses in any
 * spelling: `[0:0:0:0:0:0:0:1]`, and `[::ffff:127.0.0.1]` (an IPv4 loopback address mapped to IPv6, which the WHATWG
 * URL parser, like browsers, writes `[::ffff:7f00:1]`).
 */
function isLoopback(name: string): boolean {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (isIPv6(lower)) return /^\[(::1|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4})\]$/.test(new URL(`http://[${lower}]`).hostname);
  return lower === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower);
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** `localhost:9470` → `localhost`, `[::1]:9470` → `::1`. */
function hostname(host: string): string {
  const bracketed = host.match(/^\[([^\]]*)\]/);
  return bracketed ? bracketed[1]! : host.replace(/:\d*$/, '');
}

/** Whether the Origin names the host the request was sent to (`null`, from sandboxed pages, never does). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!URL.canParse(origin) || host === undefined) return false;
  return new URL(origin).host === host.toLowerCase();
}
