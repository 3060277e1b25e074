/**
 * Crash safety: `kill -9` the agent while clients stream runs into it, restart it on the same store, and check
 * that everything it acknowledged survived, nothing is there twice, and re-sending the unacknowledged requests
 * (what an exporter does) completes the picture exactly.
 */
import { describe, expect, it } from 'vitest';
import { expectSurvived, streamRuns } from './stream.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import { cliMissing, rangeQuery, tempStore } from './support.js';

const WORKFLOW = 'crash-stream';
const RUNS_PER_REQUEST = 3;
const now = Date.now();
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);

const store = tempStore('crash');
const largeStore = tempStore('crash-large');

/** An OTLP/JSON request of spans of one trace, from a CI/CD runner. */
function request(spans: object[]): string {
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'ci-runner' } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'ci' }, spans }] }] });
}
const attributes = (values: Record<string, string>) => Object.entries(values).map(([key, value]) => ({ key, value: { stringValue: value } }));
const nanos = (ms: number) => `${ms}000000`;

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

  it('derives the runs of a large trace whose last parts it acknowledged just before kill -9, once restarted', async () => {
    const TRACE = 'ab'.repeat(16);
    const ROOT = '1'.repeat(16);
    const start = now - 3 * 3_600_000;
    const root = { traceId: TRACE, spanId: ROOT, name: 'run backfill', kind: 2, startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 3_600_000),
      attributes: attributes({ 'cicd.pipeline.name': 'backfill', 'cicd.pipeline.run.id': '41', 'cicd.pipeline.result': 'failure' }), status: { code: 2 } };
    const job = (i: number) => ({ traceId: TRACE, spanId: (0x1000 + i).toString(16).padStart(16, '0'), parentSpanId: ROOT, name: `partition ${i}`, kind: 1,
      startTimeUnixNano: nanos(start + i * 1_000), endTimeUnixNano: nanos(start + i * 1_000 + 900),
      attributes: attributes({ 'cicd.pipeline.task.name': `partition ${i}`, 'cicd.pipeline.task.run.result': 'success' }) });
    const jobs = LARGE_TRACE_SPANS + 100;
    const parts = [[root], ...[0, 1, 2].map((k) => Array.from({ length: Math.ceil(jobs / 3) }, (_, i) => job(k * Math.ceil(jobs / 3) + i)))];

    const first = await largeStore.spawn();
    for (const part of parts) {
      const response = await fetch(`${first.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request(part) });
      expect(response.status).toBe(200);
    }
    // Before the agent's second is up: the last parts' runs are not derived yet.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await largeStore.spawn();
    const run = async () => {
      const [listed] = (await (await fetch(`${second.apiUrl}/api/v1/workflows/backfill/runs?${RANGE}`)).json()).items ?? [];
      return listed && { status: listed.status, steps: (await (await fetch(`${second.apiUrl}/api/v1/runs/${encodeURIComponent(listed.id)}`)).json()).steps.length };
    };
    await expect.poll(run, { timeout: 10_000, interval: 100 }).toEqual({ status: 'failure', steps: parts.flat().length - 1 });
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
