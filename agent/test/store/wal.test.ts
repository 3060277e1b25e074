/**
 * The WAL under writes that never pause: the store's worker checkpoints it, but SQLite starts it over only after
 * a checkpoint ended with nothing left to copy, which steady commits prevent; left alone it grew by gigabytes.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { span } from '../normalise/helpers.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const dir = mkdtempSync(join(tmpdir(), 'flowlens-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Batch `b`: 100 pipeline runs of a root and four jobs, each in a trace of its own. */
function batch(b: number): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (let r = 0; r < 100; r++) {
    const n = b * 100 + r;
    const trace = n.toString(16).padStart(32, '0');
    const start = T0 + n * 1_000;
    spans.push(span({ id: 'a1', trace, name: 'run build', start, end: start + 50_000, attributes: { 'cicd.pipeline.name': `p-${n % 50}`, 'cicd.pipeline.run.id': String(n), 'cicd.pipeline.result': 'success' } }));
    for (let j = 0; j < 4; j++) {
      spans.push(span({ id: `b${j}`, parent: 'a1', trace, name: `job ${j}`, start: start + j * 10_000, end: start + (j + 1) * 10_000, attributes: { 'cicd.pipeline.task.name': `job ${j}`, 'cicd.pipeline.task.run.result': 'success' } }));
    }
  }
  return spans;
}

describe('the WAL under steady writes', () => {
  it('starts over once past its limit, instead of growing with everything written', async () => {
    const path = join(dir, 'store.db');
    // 16 pages of 16 KiB instead of 4,096, so that a second of writes passes the limit many times.
    const store = new SqliteStore(path, { walRestartFrames: 16 });
    let largest = 0;
    for (let b = 0; b < 60; b++) {
      store.write({ spans: batch(b), logs: [], logTemplates: [], templateMerges: [] }, modelTrace, (m) => ({ templateId: 't', template: m }));
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      // The worker's reports arrive between writes, as between the requests of a busy agent.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const runs = store.runs({ fromMs: T0, toMs: T0 + 86_400_000 }).length;
    await store.close();
    expect(runs).toBe(6_000);
    expect(statSync(path).size).toBeGreaterThan(8 * 1024 * 1024);
    // Left alone it grew to twice the store (25 MB here); started over past 256 KB, it holds what the 100 ms
    // between two of the worker's reports bring.
    expect(largest).toBeLessThan(12 * 1024 * 1024);
  });
});
