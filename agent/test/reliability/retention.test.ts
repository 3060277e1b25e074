/**
 * Retention while ingest goes on: a store holding runs older than the retention period, clients sending new runs,
 * and a retention pass in the middle. The old data goes, every new run is acknowledged and stored, and ingest
 * requests complete while the pass is still deleting (it works in chunks, yielding between them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { createLogger } from '../../src/runtime/logger.js';
import { RetentionJob } from '../../src/service/retention.js';
import { listedRunIds, makeRuns, postRuns, rangeQuery, runCounts } from './support.js';

const DAY = 86_400_000;
const now = Date.now();
const OLD_RUNS = 8_000;
const OLD_START = now - 40 * DAY;
const OLD_RANGE = rangeQuery(OLD_START - DAY, now - 20 * DAY);
const RANGE = rangeQuery(now - DAY, now + DAY);

const dir = mkdtempSync(join(tmpdir(), 'flowlens-retention-'));
let agent: RunningAgent;

beforeAll(async () => {
  agent = await startAgent(
    {
      storage: { path: join(dir, 'flowlens.db'), retention: '7d' },
      otlp: { http: '127.0.0.1:0', grpc: false },
      api: { listen: '127.0.0.1:0' },
      analysis: { enabled: false },
    },
    { logger: createLogger('error') },
  );
  // Old history, a minute apart from 40 days ago (about 5.5 days of runs, all past the 7-day retention).
  for (let first = 0; first < OLD_RUNS; first += 500) {
    expect((await postRuns(agent.otlpHttpUrl!, makeRuns('old-history', 'old', first, 500, OLD_START))).status).toBe(200);
  }
});
afterAll(async () => {
  await agent?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention under ingest', () => {
  it('deletes runs older than the retention while new runs keep being acknowledged and stored', async () => {
    expect((await runCounts(agent.apiUrl, OLD_RANGE)).get('old-history')).toBe(OLD_RUNS);

    const retention = new RetentionJob(agent.store, agent.config.storage.retention, createLogger('error'));
    let retaining = false;
    let ackedDuringRetention = 0;
    const answers: number[] = [];
    const sender = async (client: number) => {
      for (let i = 0; i < 20; i++) {
        const { status } = await postRuns(agent.otlpHttpUrl!, makeRuns(`live-${client}`, 'live', i * 5, 5, now - 6 * 3_600_000));
        answers.push(status);
        if (status === 200 && retaining) ackedDuringRetention++;
      }
    };
    // The cutoff follows event time: once current runs arrive, the history is past retention.
    expect((await postRuns(agent.otlpHttpUrl!, makeRuns('live-first', 'live', 0, 1, now - 6 * 3_600_000))).status).toBe(200);
    const senders = [0, 1, 2].map(sender);
    retaining = true;
    const deleted = await retention.runOnce();
    retaining = false;
    await Promise.all(senders);

    console.log(`retention: deleted ${deleted} rows of ${OLD_RUNS} old runs; ${ackedDuringRetention} ingest requests acknowledged while it ran`);
    // At least the run row of every old run (and the span rows beside them).
    expect(deleted).toBeGreaterThanOrEqual(OLD_RUNS);
    expect(answers.every((status) => status === 200)).toBe(true);
    expect(ackedDuringRetention).toBeGreaterThan(0);
    expect((await runCounts(agent.apiUrl, OLD_RANGE)).get('old-history')).toBeUndefined();
    for (const client of [0, 1, 2]) expect((await listedRunIds(agent.apiUrl, `live-${client}`, RANGE)).length).toBe(100);
  });
});
