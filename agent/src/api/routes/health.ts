import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { json } from '../schemas.js';

const status = z.object({ status: z.string() }).openapi('Status');

export function healthRoutes(deps: ApiDeps) {
  return new OpenAPIHono()
    .openapi(createRoute({ method: 'get', path: '/healthz', responses: { 200: json(status, 'the process is up') } }), (c) =>
      c.json({ status: 'ok' }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/readyz',
        responses: { 200: json(status, 'store open, receivers listening'), 503: json(status, 'starting or stopping') },
      }),
      (c) => (deps.ready() ? c.json({ status: 'ready' }, 200) : c.json({ status: 'not ready' }, 503)),
    );
}
