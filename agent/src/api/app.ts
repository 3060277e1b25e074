import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { analysisRoutes } from './routes/analysis.js';
import { findingRoutes } from './routes/findings.js';
import { healthRoutes } from './routes/health.js';
import { patternRoutes } from './routes/patterns.js';
import { runRoutes } from './routes/runs.js';
import { senderRoutes } from './routes/senders.js';
import { workflowRoutes } from './routes/workflows.js';

const VERSION = '0.1.0';

/**
 * Largest request body: the API takes small JSON documents (a session's pasted error logs are the largest), and a
 * body is read whole before it is validated, so a huge one would cost its size in memory before being refused.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/** The REST API: routes as data (validation and the OpenAPI document from one definition), one error shape. */
export function createApi(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const message = result.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
        return c.json({ error: { message } }, 400);
      }
      return undefined;
    },
  });
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json({ error: { message: error.message } }, error.status);
    if (error instanceof HTTPException) return c.json({ error: { message: error.message } }, error.status);
    return c.json({ error: { message: `internal error: ${error.message}` } }, 500);
  });
  app.notFound((c) => c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is not read: the connection cannot carry another request.
      onError: (c) => c.json({ error: { message: 'request body over 1 MiB' } }, 413, { Connection: 'close' }),
    }),
  );

  app.route('/', healthRoutes(deps));
  app.route('/', workflowRoutes(deps));
  app.route('/', runRoutes(deps));
  app.route('/', findingRoutes(deps));
  app.route('/', patternRoutes(deps));
  app.route('/', analysisRoutes(deps));
  app.route('/', senderRoutes(deps));
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'FlowLens agent API', version: VERSION, description: 'Workflows, runs, findings, patterns and SLOs.' },
  });
  return app;
}
