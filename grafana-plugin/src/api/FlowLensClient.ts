import { getBackendSrv, type BackendSrv } from '@grafana/runtime';
import type { Observable } from 'rxjs';

import { PROXY_BASE_URL } from '../constants.js';
import { FlowLensError } from './FlowLensError.js';

/** An array is a repeated parameter: Grafana's backend service writes `{ a: ['x', 'y'] }` as `a=x&a=y`. */
export type QueryParams = Record<string, string | number | string[] | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST';
  params?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The one way the plugin talks to the agent: through Grafana's backend service and the plugin's proxy route, so
 * Grafana adds the API token and the browser never needs to reach the agent itself. Nothing else calls fetch.
 */
export class FlowLensClient {
  constructor(
    private readonly baseUrl: string = PROXY_BASE_URL,
    private readonly backend: () => BackendSrv = getBackendSrv
  ) {}

  async request<T>(path: string, { method = 'GET', params, body, signal }: RequestOptions = {}): Promise<T> {
    signal?.throwIfAborted();
    const response$ = this.backend().fetch<T>({
      url: `${this.baseUrl}${path}`,
      method,
      params: params && withoutEmpty(params),
      data: body,
      // The pages explain errors themselves; Grafana's toast would repeat them without the advice.
      showErrorAlert: false,
      showSuccessAlert: false,
    });
    try {
      const response = await lastValueAbortable(response$, signal);
      return response.data;
    } catch (err) {
      if (signal?.aborted) {
        throw signal.reason;
      }
      throw FlowLensError.from(err);
    }
  }
}

function withoutEmpty(params: QueryParams): QueryParams {
  const out: QueryParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) {
      out[key] = value;
    }
  }
  return out;
}

/** The last value of `source`; aborting unsubscribes, which makes Grafana's backend service cancel the request. */
function lastValueAbortable<T>(source: Observable<T>, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let last: { value: T } | undefined;
    const onAbort = () => {
      subscription.unsubscribe();
      reject(signal?.reason);
    };
    const subscription = source.subscribe({
      next: (value) => (last = { value }),
      error: (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        last ? resolve(last.value) : reject(new Error('the request ended without an answer'));
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const flowLensClient = new FlowLensClient();
