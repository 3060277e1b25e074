/**
 * Crash safety: `kill -9` the agent while clients stream runs into it, restart it on the same store, and check
 * that everything it acknowledged survived, nothing is there twice, and re-sending the unacknowledged requests
 * (what an exporter does) completes the picture exactly.
 */
import { describe, expect, it } from 'vitest';
import { expectSurvived, streamRuns } from './stream.js';
import { cliMissing, rangeQuery, tempStore } from './support.js';

const WORKFLOW = 'crash-stream';
const RUNS_PER_REQUEST = 3;
const now = Date.now();
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);

const store = tempStore('crash');

describe.skipIf(cliMissing())('crash safety of flowlens serve', () => {
  it('keeps every acknowledged run across kill -9, never twice, and converges once the rest is re-sent', async () => {
    const first = await store.spawn();
    const stream = await streamRuns(first.otlpHttpUrl, {
      workflow: WORKFLOW,
      startMs: now - 6 * 3_600_000,
      senders: 4,
      runsPerRequest: RUNS_PER_REQUEST,
      interruptAfterAcks: 40,
      interrupt: () => first.child.kill('SIGKILL'),
      maxRequests: 200,
    });
    expect(await first.exited).toBe(null);
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = await store.spawn();
    expect((await fetch(`${second.apiUrl}/readyz`)).status).toBe(200);
    const stored = await expectSurvived(second, WORKFLOW, RANGE, stream);
    console.log(
      `crash: ${stream.requests.length} requests sent (${stream.requests.flat().length} runs), ${stream.acked.size} acknowledged before kill -9 ` +
        `(${stream.acked.size * RUNS_PER_REQUEST} runs); ${stored} runs stored after restart`,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
