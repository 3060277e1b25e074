import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { itemsOf, json } from '../schemas.js';
import { senderView } from '../views.js';

export function senderRoutes(deps: ApiDeps) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/senders',
      summary:
        "Each sender of spans heard from in the last hour (service and host), how long after its newest spans ended they arrived, and whether its clock looks off: 'ahead' (lag below -60 s) or 'late' (above 15 minutes: its clock runs behind, or its telemetry is delayed)",
      responses: { 200: json(itemsOf('SenderList'), 'senders, those whose clock is off first') },
    }),
    (c) => c.json({ items: deps.senders.list(deps.now()).map(senderView) }, 200),
  );
}
