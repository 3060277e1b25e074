/**
 * Crash safety: `kill -9` the agent while clients stream runs into it, restart it on the same store, and check
 * that everything it acknowledged survived, nothing is there twice, and re-sending the unacknowledged requests
 * (what an exporter does) completes the picture exactly.
 */
import { describe, expect, it } from 'vitest';
import { expectSurvived, streamRuns } from './stream.js';
import { LARGE_TRACE_SPANS } from '../../src/store/sqlite/deferred-traces.js';
import { traceRequest } from '../../src/demo/runner-spans.js';
import type { RunRecord } from '../../src/model/workflow.js';
import { cliMissing, makeRuns, rangeQuery, tempStore } from './support.js';

const WORKFLOW = 'crash-stream';
const RUNS_PER_REQUEST = 3;
const now = Date.now();
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);

const store = tempStore('crash');
const largeStore = tempStore('crash-large');


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
    // One failed CI run of more steps than a trace is re-derived on every part for, as the demo's runners send it.
    const [base] = makeRuns('backfill', 'large', 0, 1, now - 3 * 3_600_000);
    const steps = Array.from({ length: LARGE_TRACE_SPANS + 100 }, (_, i) => ({
      ...base!.steps[0]!,
      id: `partition-${i}`,
      name: `partition ${i}`,
      startMs: base!.startMs + i * 1_000,
      endMs: base!.startMs + i * 1_000 + 900,
      durationMs: 900,
    }));
    const run: RunRecord = { ...base!, status: 'failure', endMs: base!.startMs + steps.length * 1_000, durationMs: steps.length * 1_000, steps };
    const [group] = JSON.parse(traceRequest([run])).resourceSpans;
    const spans: object[] = group.scopeSpans[0].spans;
    // The run span first; the trace passes the threshold with the third part.
    const third = Math.ceil(spans.length / 3);
    const parts = [0, 1, 2].map((k) => spans.slice(k * third, (k + 1) * third));
    const request = (part: object[]) => JSON.stringify({ resourceSpans: [{ ...group, scopeSpans: [{ ...group.scopeSpans[0], spans: part }] }] });

    const first = await largeStore.spawn();
    for (const part of parts) {
      const response = await fetch(`${first.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request(part) });
      expect(response.status).toBe(200);
    }
    // Before the agent's second is up: the last parts' runs are not derived yet.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await largeStore.spawn();
    const listed = async () => {
      const [item] = (await (await fetch(`${second.apiUrl}/api/v1/workflows/backfill/runs?${RANGE}`)).json()).items ?? [];
      return item && { status: item.status, steps: (await (await fetch(`${second.apiUrl}/api/v1/runs/${encodeURIComponent(item.id)}`)).json()).steps.length };
    };
    await expect.poll(listed, { timeout: 10_000, interval: 100 }).toEqual({ status: 'failure', steps: run.steps.length });
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
