import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const MiB = 1024 * 1024;

/** A JSON body of `bytes` streamed without a Content-Length, stopping early if the agent stops reading. */
function streamedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"workflow":"'));
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe('API request size', () => {
  let agent: TestAgent;
  beforeAll(async () => (agent = await startTestAgent()));
  afterAll(() => agent.close());

  it('refuses a body over 1 MiB with 413 before the handler reads it', async () => {
    const big = await agent.post('/api/v1/sessions', { workflow: 'x'.repeat(2 * MiB) });
    expect(big).toEqual({ status: 413, body: { error: { message: 'request body over 1 MiB' } } });
  });

  it('stops reading a streamed body once it passes the limit', async () => {
    const response = await fetch(`${agent.apiUrl}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamedBody(64 * MiB),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('still takes ordinary requests', async () => {
    expect((await agent.post('/api/v1/sessions', { workflow: 'no-such-workflow' })).status).toBe(404);
  });
});
