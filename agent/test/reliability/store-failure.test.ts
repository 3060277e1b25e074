/**
 * Store failures: the agent's store on a small tmpfs that fills up. Ingest must answer a retryable 503 naming
 * the cause, reads keep working, the process stays up, and once space returns the re-sent data goes in.
 * (Running as root, file modes cannot make a store read-only, and a filesystem with the store open cannot be
 * remounted read-only, so a read-only store is tried at start, through a read-only bind mount.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceRequest } from '../../src/demo/runner-spans.js';
import { agentEnv, BIN, cliMissing, listedRunIds, makeRuns, postRuns, rangeQuery, spawnAgent, type CliAgent } from './support.js';

const now = Date.now();
const START = now - 12 * 3_600_000;
const RANGE = rangeQuery(now - 86_400_000, now + 86_400_000);
const WORKFLOW = 'disk-full';

/** Mounts a 4 MiB tmpfs; returns why the test cannot run when mounting is not permitted here. */
function mountSmallTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN) to fill a filesystem under the store';
  }
}

/** Writes zeros to `path` until the filesystem refuses with ENOSPC; returns the bytes written. */
function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

const dir = mkdtempSync(join(tmpdir(), 'flowlens-full-'));
const readOnly = mkdtempSync(join(tmpdir(), 'flowlens-read-only-'));
const cannotMount = cliMissing() ?? mountSmallTmpfs(dir);
let agent: CliAgent | undefined;
afterAll(async () => {
  await agent?.stop('SIGKILL');
  if (!cannotMount) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(readOnly, { recursive: true, force: true });
});

describe.skipIf(cannotMount)('store failures', () => {
  it('answers ingest 503 with the cause, keeps serving reads and stays up, and takes the data once space returns', async () => {
    agent = await spawnAgent(join(dir, 'flowlens.db'), { FLOWLENS_LOG_LEVEL: 'warn' });
    const before = makeRuns(WORKFLOW, 'before', 0, 5, START);
    expect((await postRuns(agent.otlpHttpUrl, before)).status).toBe(200);

    const filler = join(dir, 'filler');
    expect(fillUp(filler)).toBeGreaterThan(0);
    // Big enough that it cannot fit in pages SQLite already holds.
    const refused = makeRuns(WORKFLOW, 'during', 0, 400, START);
    const answer = await fetch(`${agent.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: traceRequest(refused) });
    const status = await answer.json();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(status.code).toBe(14);
    expect(status.message).toMatch(/^store unavailable \(SQLITE_(FULL|IOERR\w*)\)/);

    // Reads still work and nothing of the refused request is half there; the process is alive and ready.
    expect(await listedRunIds(agent.apiUrl, WORKFLOW, RANGE)).toHaveLength(before.length);
    expect((await fetch(`${agent.apiUrl}/readyz`)).status).toBe(200);
    expect((await postRuns(agent.otlpHttpUrl, refused)).status).toBe(503);
    expect(agent.child.exitCode).toBe(null);
    // The operator hears of it once, not per refused batch.
    const logged = agent.stderr().split('\n').filter((line) => line.includes('could not be stored'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'warn', error: expect.stringMatching(/^store unavailable \(SQLITE_(FULL|IOERR\w*)\)/), items: expect.any(Number) });

    unlinkSync(filler);
    expect((await postRuns(agent.otlpHttpUrl, refused)).status).toBe(200);
    const stored = await listedRunIds(agent.apiUrl, WORKFLOW, RANGE);
    expect(stored.sort()).toEqual([...before, ...refused].map((run) => run.runId).sort());
    expect(await agent.stop('SIGTERM')).toBe(0);
  });

  it('refuses to start on a read-only store with one line naming the store, not a stack trace', async () => {
    // By now `dir` holds a store with data; the same folder, read-only, at another path.
    const view = join(readOnly, 'view');
    execFileSync('mkdir', ['-p', view]);
    execFileSync('mount', ['--bind', '-o', 'ro', dir, view]);
    try {
      const storePath = join(view, 'flowlens.db');
      const run = spawnSync(process.execPath, [BIN, 'serve'], { env: agentEnv(storePath), encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(storePath);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      execFileSync('umount', [view]);
    }
  });
});
