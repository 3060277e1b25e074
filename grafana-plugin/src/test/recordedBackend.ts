import { setBackendSrv, type BackendSrv, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

import { PROXY_BASE_URL } from '../constants.js';

export interface SeenRequest {
  method: string;
  /** The agent path: the URL without the plugin proxy prefix. */
  path: string;
  params: Record<string, unknown>;
  data?: unknown;
}

export interface Answer {
  status: number;
  data: unknown;
}

/** A recorded JSON body (status 200) or a function answering from the request. */
export type Route = unknown | ((req: SeenRequest) => Answer);

/**
 * Stands in for Grafana's BackendSrv in jsdom: answers `fetch` from recorded agent responses keyed by
 * "METHOD /path", the way Grafana's proxy would (errors as FetchError `{ status, statusText, data }`), and keeps
 * every request so a test can check what the page asked for. Unknown paths answer 404 like the agent.
 */
export function useRecordedBackend(routes: Record<string, Route>): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const fetch = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const req: SeenRequest = {
        method: options.method ?? 'GET',
        path: options.url.startsWith(PROXY_BASE_URL) ? options.url.slice(PROXY_BASE_URL.length) : options.url,
        params: (options.params ?? {}) as Record<string, unknown>,
        data: options.data,
      };
      seen.push(req);
      const route = routes[`${req.method} ${req.path}`];
      const answer: Answer =
        route === undefined
          ? { status: 404, data: { error: { message: `no ${req.path}` } } }
          : typeof route === 'function'
            ? (route as (r: SeenRequest) => Answer)(req)
            : { status: 200, data: structuredClone(route) };
      // Answer on a later tick, as a real request would, so loading states render first.
      const timer = setTimeout(() => {
        if (answer.status >= 400 || answer.status <= 0) {
          subscriber.error({ status: answer.status, statusText: 'error', data: answer.data });
        } else {
          subscriber.next({ data: answer.data as T, status: answer.status, ok: true } as FetchResponse<T>);
          subscriber.complete();
        }
      }, 0);
      return () => clearTimeout(timer);
    });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return seen;
}
