/**
 * Runs and span chunks are found by trace id and run id through entries written in batches (id-index.ts): these
 * check that a trace arriving in parts gives one run whether or not its entries were written yet, after the
 * process died with entries only in memory, and after a write that rolled back.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../src/model/otlp.js';
import { modelTrace } from '../../src/normalise/model-trace.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { TraceModeller } from '../../src/store/store.js';
import { span, TRACE } from '../normalise/helpers.js';
import { tempStores, writeSpans } from '../helpers/store.js';

const T0 = Date.UTC(2026, 10, 20, 9);
const root = span({ id: 'a1', name: 'run deploy', start: T0, end: T0 + 60_000, attributes: { 'cicd.pipeline.name': 'deploy', 'cicd.pipeline.run.id': '7', 'cicd.pipeline.result': 'success' } });
const job = (id: string, name: string, offset: number): OtlpSpan =>
  span({ id, parent: 'a1', name, start: T0 + offset, end: T0 + offset + 10_000, attributes: { 'cicd.pipeline.task.name': name, 'cicd.pipeline.task.run.result': 'success' } });

const stores = tempStores('lookup');
const open = stores.open;
const write = writeSpans;
const runsOf = (store: SqliteStore) => store.runs({ fromMs: T0 - 1, toMs: T0 + 3_600_000 });

afterEach(() => stores.closeAll());

describe('finding a trace and a run again', () => {
  it('gives one run for a trace in parts, before and after its entries are written, and finds the run by id', async () => {
    const { store, path } = open();
    write(store, [root, job('b1', 'build', 1_000)]);
    const [first] = runsOf(store);
    expect(store.run(first!.id)?.steps.map((s) => s.name)).toEqual(['build']);

    const second = write(store, [job('b2', 'test', 20_000), root]);
    expect(second.spansDuplicate).toBe(1);
    // The same run, still a success, re-derived with its new step: the metrics count the step.
    expect(second.transitions.map((t) => [t.previousStatus, t.run.steps.map((s) => s.name)])).toEqual([['success', ['build', 'test']]]);
    await store.close();

    const { store: again } = open(path);
    write(again, [job('b3', 'deploy', 40_000)]);
    expect(runsOf(again)).toHaveLength(1);
    expect(again.run(first!.id)?.steps.map((s) => s.name)).toEqual(['build', 'test', 'deploy']);
  });

  it('keeps one row for a run replayed in another trace, moved back and forth, after its entries are written', async () => {
    const { store, path } = open();
    const replay = 'e'.repeat(32);
    const inReplay = (s: OtlpSpan): OtlpSpan => ({ ...s, traceId: replay });
    write(store, [root, job('b1', 'build', 1_000)]);
    write(store, [inReplay(root), inReplay(job('b1', 'build', 1_000))]);
    write(store, [job('b2', 'test', 20_000)]);
    expect(runsOf(store)).toHaveLength(1);
    await store.close();

    const { store: again } = open(path);
    const [run] = runsOf(again);
    expect(runsOf(again)).toHaveLength(1);
    expect(again.run(run!.id)).toMatchObject({ traceId: TRACE, steps: [{ name: 'build' }, { name: 'test' }] });
    write(again, [inReplay(job('b3', 'deploy', 40_000))]);
    expect(runsOf(again)).toHaveLength(1);
    expect(again.run(run!.id)).toMatchObject({ traceId: replay, steps: [{ name: 'build' }, { name: 'deploy' }] });
  });

  it('takes in a failed run replayed in another trace, and counts its error pattern once, under the new trace', () => {
    const { store } = open();
    const failing = (trace: string, step = 'test') => [
      { ...root, traceId: trace, attributes: { ...root.attributes, 'cicd.pipeline.result': 'failure' } },
      span({ id: 'b9', parent: 'a1', trace, name: step, start: T0 + 1_000, end: T0 + 11_000, status: 2, message: 'expected 200, got 503',
        attributes: { 'cicd.pipeline.task.name': step, 'cicd.pipeline.task.run.result': 'failure' } }),
    ];
    write(store, failing(TRACE));
    // The same run (workflow and run id) again in a new trace, as a workflow replayed on another worker comes.
    expect(write(store, failing('e'.repeat(32))).spansAccepted).toBe(2);
    const [run] = runsOf(store);
    expect(runsOf(store)).toHaveLength(1);
    expect(run).toMatchObject({ traceId: 'e'.repeat(32), status: 'failure' });
    expect(store.runsOfPattern('t', 10)).toEqual([{ runId: run!.id, workflow: 'deploy', step: 'test', count: 1 }]);
    // Two new traces with the run in one batch: it ends in the one derived last, once.
    expect(write(store, [...failing('c'.repeat(32)), ...failing('d'.repeat(32))]).spansAccepted).toBe(4);
    expect(runsOf(store)).toEqual([expect.objectContaining({ id: run!.id, traceId: 'd'.repeat(32) })]);
    expect(store.runsOfPattern('t', 10)).toEqual([{ runId: run!.id, workflow: 'deploy', step: 'test', count: 1 }]);
    // Replayed again, failing elsewhere: the trace it left keeps nothing of it.
    write(store, failing('b'.repeat(32), 'build'));
    expect(store.runsOfPattern('t', 10)).toEqual([{ runId: run!.id, workflow: 'deploy', step: 'build', count: 1 }]);
  });

  it('rebuilds the entries not yet written when the process died, so a re-send is still recognised', () => {
    const { store, path } = open();
    write(store, [root, job('b1', 'build', 1_000)]);
    // A second connection opens the file as a restarted agent would: the first one's entries exist only in its memory.
    const { store: restarted } = open(path);
    const resent = write(restarted, [root, job('b1', 'build', 1_000), job('b2', 'test', 20_000)]);
    expect(resent.spansAccepted).toBe(1);
    expect(resent.spansDuplicate).toBe(2);
    expect(runsOf(restarted)).toHaveLength(1);
    expect(restarted.run(runsOf(restarted)[0]!.id)?.steps.map((s) => s.name)).toEqual(['build', 'test']);
  });

  it('forgets what a rolled-back write added, so the same spans are stored once when they come again', () => {
    const { store } = open();
    const other = span({ id: 'c1', name: 'run lint', start: T0, end: T0 + 1_000, trace: 'f'.repeat(32), attributes: { 'cicd.pipeline.name': 'lint', 'cicd.pipeline.run.id': '1' } });
    const failing: TraceModeller = (spans) => {
      if (spans[0]!.traceId !== TRACE) throw new Error('disk full');
      return modelTrace(spans);
    };
    expect(() => write(store, [root, job('b1', 'build', 1_000), other], failing)).toThrow('disk full');
    expect(runsOf(store)).toEqual([]);

    expect(write(store, [root, job('b1', 'build', 1_000)]).spansAccepted).toBe(2);
    const again = write(store, [root, job('b1', 'build', 1_000), job('b2', 'test', 20_000)]);
    expect(again.spansDuplicate).toBe(2);
    expect(store.run(runsOf(store)[0]!.id)?.steps.map((s) => s.name)).toEqual(['build', 'test']);
  });

  it('rebuilds an id file whose entries were keyed by another rule', async () => {
    const { store, path } = open();
    write(store, [root, job('b1', 'build', 1_000)]);
    await store.close();
    const ids = new Database(`${path}.ids`);
    ids.exec('UPDATE id_index SET key = key + 1');
    ids.pragma('user_version = 1');
    ids.close();

    const { store: again } = open(path);
    write(again, [job('b2', 'test', 20_000)]);
    expect(runsOf(again)).toHaveLength(1);
    expect(again.run(runsOf(again)[0]!.id)?.steps.map((s) => s.name)).toEqual(['build', 'test']);
  });

  describe('a trace sent in many parts, its earlier spans kept in memory (open-traces.ts)', () => {
    const steps = (store: SqliteStore) => runsOf(store).map((run) => store.run(run.id)?.steps.map((s) => s.name));

    it('forgets a part whose write rolled back', async () => {
      const { store, path } = open();
      write(store, [root, job('b1', 'build', 1_000)]);
      write(store, [job('b2', 'test', 10_000)]);
      // The part is modelled, then the write fails on another trace of the same batch and rolls back.
      const lint = (id: string, trace: string) =>
        span({ id, name: 'run lint', start: T0, end: T0 + 1_000, trace, attributes: { 'cicd.pipeline.name': 'lint', 'cicd.pipeline.run.id': id } });
      const failing: TraceModeller = (spans) => {
        if (spans[0]!.traceId !== TRACE) throw new Error('disk full');
        return modelTrace(spans);
      };
      expect(() => write(store, [job('b3', 'lost', 20_000), lint('c1', 'f'.repeat(32))], failing)).toThrow('disk full');
      write(store, [lint('c2', 'e'.repeat(32))]);
      write(store, [job('b4', 'deploy', 30_000)]);
      const deploy = () => runsOf(store).filter((run) => run.workflow === 'deploy');
      expect(deploy().map((run) => store.run(run.id)?.steps.map((s) => s.name))).toEqual([['build', 'test', 'deploy']]);
      await store.close();
      const { store: reopened } = open(path);
      expect(steps(reopened)).toContainEqual(['build', 'test', 'deploy']);
    });

    it('forgets the spans retention deleted', () => {
      const { store } = open();
      write(store, [root, job('b1', 'build', 1_000)]);
      write(store, [job('b2', 'test', 10_000)]);
      store.pruneChunk(T0 + 3_600_000);
      write(store, [root, job('b3', 'deploy', 20_000)]);
      expect(steps(store)).toEqual([['deploy']]);
    });

    it('does not mix resource objects from before and after the resource cache was emptied', () => {
      const { store } = open();
      const resource = { 'service.name': 'ci-runner' };
      const withResource = (s: OtlpSpan): OtlpSpan => ({ ...s, resource: { ...resource } });
      write(store, [withResource(root), withResource(job('b1', 'build', 1_000))]);
      write(store, [withResource(job('b2', 'test', 10_000))]);
      // Ten thousand distinct resources (a misbehaving sender) empty the table's cache.
      const others = Array.from({ length: 10_001 }, (_, i) =>
        span({ id: `c${i}`, name: 'noise', start: T0, end: T0 + 1, trace: (i + 1).toString(16).padStart(32, 'a'), resource: { 'host.name': `h${i}` } }),
      );
      write(store, others);
      write(store, [withResource(job('b3', 'deploy', 20_000))]);
      const run = runsOf(store).find((r) => r.workflow === 'deploy')!;
      const deploy = store.run(run.id)!.steps.find((s) => s.name === 'deploy')!;
      // A step of the run's own resource carries only its span's attributes.
      expect(deploy.attributes).not.toHaveProperty('service.name');
    });

    it('sees the parts another connection wrote', () => {
      const { store, path } = open();
      write(store, [root, job('b1', 'build', 1_000)]);
      write(store, [job('b2', 'test', 10_000)]);
      write(open(path).store, [job('b3', 'package', 20_000)]);
      write(store, [job('b4', 'deploy', 30_000)]);
      expect(steps(store)).toEqual([['build', 'test', 'package', 'deploy']]);
    });
  });
});
