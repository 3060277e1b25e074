import type { BackendSrv, BackendSrvRequest } from '@grafana/runtime';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';

import { FlowLensClient } from './FlowLensClient.js';
import { FlowLensError } from './FlowLensError.js';

const backendAnswering = (answer: (req: BackendSrvRequest) => Observable<unknown>) => {
  const requests: BackendSrvRequest[] = [];
  const srv = { fetch: (req: BackendSrvRequest) => (requests.push(req), answer(req)) } as unknown as BackendSrv;
  return { client: new FlowLensClient('api/plugin-proxy/x/api', () => srv), requests };
};

describe('FlowLensClient', () => {
  it('calls the agent through the proxy route, without empty parameters and without Grafana toasts', async () => {
    const { client, requests } = backendAnswering(() => of({ data: { items: [1] } }));
    await expect(client.request('/api/v1/findings', { params: { workflow: 'a b', severity: '', kind: undefined } })).resolves.toEqual({
      items: [1],
    });
    expect(requests[0]).toMatchObject({
      url: 'api/plugin-proxy/x/api/api/v1/findings',
      method: 'GET',
      params: { workflow: 'a b' },
      showErrorAlert: false,
    });
  });

  it('hands a repeated parameter to Grafana as an array, which it sends as `key=a&key=b`, and leaves an empty one out', async () => {
    const { client, requests } = backendAnswering(() => of({ data: {} }));
    await client.request('/api/v1/workflows/w/runs', { params: { attribute: ['host.name=worker-3', 'downstream=a=b'], status: [] } });
    expect(requests[0]!.params).toEqual({ attribute: ['host.name=worker-3', 'downstream=a=b'] });
  });

  it.each([
    [{ status: 502, data: { message: 'Bad Gateway' } }, 'unreachable', 'Bad Gateway'],
    [{ status: 504 }, 'unreachable', 'no answer'],
    [{ status: -1, statusText: 'Network Error' }, 'unreachable', 'Network Error'],
    [new TypeError('Failed to fetch'), 'unreachable', 'Failed to fetch'],
    [{ status: 401, data: { error: { message: 'invalid token' } } }, 'unauthorized', 'invalid token'],
    [{ status: 403, data: 'forbidden' }, 'unauthorized', 'forbidden'],
    [{ status: 404, data: { error: { message: 'unknown workflow "x"' } } }, 'not_found', 'unknown workflow "x"'],
    [{ status: 400, data: { error: { message: 'bad from' } } }, 'bad_request', 'bad from'],
    [{ status: 500, data: { error: { message: 'boom' } } }, 'server', 'boom'],
  ])('classifies %j as %s', async (failure, kind, detail) => {
    const { client } = backendAnswering(() => throwError(() => failure));
    const error = await client.request('/readyz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowLensError);
    expect(error).toMatchObject({ kind, detail });
  });

  it('cancels the request when aborted and rejects with the abort reason', async () => {
    let unsubscribed = false;
    const { client } = backendAnswering(() => new Observable(() => () => (unsubscribed = true)));
    const controller = new AbortController();
    const pending = client.request('/api/v1/workflows', { signal: controller.signal });
    controller.abort(new Error('left the page'));
    await expect(pending).rejects.toThrow('left the page');
    expect(unsubscribed).toBe(true);
  });

  it('does not start a request whose signal is already aborted', async () => {
    const { client, requests } = backendAnswering(() => NEVER);
    await expect(client.request('/x', { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(requests).toHaveLength(0);
  });
});
