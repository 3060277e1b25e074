import type { BackendSrvRequest, FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

/**
 * What Grafana's BackendSrv.fetch does for a plugin, over the browser's fetch: relative URLs resolve against the
 * page's base, parameters go in the query string, JSON goes both ways, unsubscribing aborts, and failures arrive as
 * FetchError `{ status, statusText, data }` (status 0 when nothing answered).
 */
export function createBackendSrv() {
  return {
    fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
      return new Observable<FetchResponse<T>>((subscriber) => {
        const controller = new AbortController();
        const url = new URL(options.url, document.baseURI);
        for (const [key, value] of Object.entries(options.params ?? {})) {
          if (value !== undefined && value !== null) {
            url.searchParams.set(key, String(value));
          }
        }
        const hasBody = options.data !== undefined;
        fetch(url, {
          method: options.method ?? 'GET',
          headers: { accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
          body: hasBody ? JSON.stringify(options.data) : undefined,
          signal: controller.signal,
        })
          .then(async (response) => {
            const text = await response.text();
            let data: unknown = text;
            try {
              data = text ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON (a proxy's HTML error page): keep the text.
            }
            if (!response.ok) {
              subscriber.error({ status: response.status, statusText: response.statusText, data, config: options });
              return;
            }
            subscriber.next({
              data: data as T,
              status: response.status,
              statusText: response.statusText,
              ok: true,
              headers: response.headers,
              redirected: response.redirected,
              type: response.type,
              url: response.url,
              config: options,
            });
            subscriber.complete();
          })
          .catch((err: Error) => {
            if (!controller.signal.aborted) {
              subscriber.error({ status: 0, statusText: err.message, data: { message: err.message }, config: options });
            }
          });
        return () => controller.abort();
      });
    },
  };
}
