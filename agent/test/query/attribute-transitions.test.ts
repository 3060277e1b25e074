import { describe, expect, it } from 'vitest';
import type { RunRecord, RunStatus, StepRecord } from '../../src/model/workflow.js';
import { attributeTransitions } from '../../src/query/attribute-transitions.js';

function run(i: number, status: RunStatus, attributes: Record<string, string>): RunRecord {
  return {
    id: `r${i}`,
    workflow: 'deploy',
    runner: 'cicd',
    runId: String(i),
    traceId: 't',
    spanId: '',
    status,
    startMs: i * 60_000,
    endMs: i * 60_000 + 30_000,
    durationMs: 30_000,
    attributes,
    steps: [],
  };
}

/** 60 runs: version 1.4 then 1.5 from run 40 (which fails half the time), a host per run, an id per run. */
function history(): RunRecord[] {
  return Array.from({ length: 60 }, (_, i) =>
    run(i, i >= 40 && i % 2 === 0 ? 'failure' : 'success', {
      'service.version': i < 40 ? '1.4' : '1.5',
      'host.name': `worker-${(i * 7) % 5}`,
      'cicd.pipeline.run.id': String(i),
      ...(i >= 50 && { 'feature.flag': 'on' }),
    }),
  );
}

describe('attributeTransitions', () => {
  it('names the release and the flag that appeared, newest first, with the failures on either side', () => {
    const found = attributeTransitions(history().reverse());
    expect(found.map((t) => [t.key, t.from, t.to, t.run.id])).toEqual([
      ['feature.flag', null, 'on', 'r50'],
      ['service.version', '1.4', '1.5', 'r40'],
    ]);
    const release = found[1]!;
    expect(release.before).toEqual({ runs: 20, failed: 0 });
    // From the change on, 20 runs at most: runs 40 to 59, every other one failed.
    expect(release.after).toEqual({ runs: 20, failed: 10 });
    expect(found[0]!.before).toEqual({ runs: 20, failed: 5 });
  });

  it('measures the runs after a change only until the key changes again', () => {
    const runs = history().map((r, i) => (i >= 45 ? { ...r, attributes: { ...r.attributes, 'service.version': '1.4' } } : r));
    const [rollback, release] = attributeTransitions(runs).filter((t) => t.key === 'service.version');
    expect(release!.after).toEqual({ runs: 5, failed: 3 });
    expect(rollback).toMatchObject({ from: '1.5', to: '1.4', before: { runs: 20, failed: 3 } });
  });

  it('leaves out attributes that change from run to run, and a steady one once it changes too often', () => {
    expect(attributeTransitions(history()).map((t) => t.key)).not.toContain('host.name');
    const flapping = history().map((r, i) => ({ ...r, attributes: { ...r.attributes, 'service.version': i % 9 === 0 ? 'canary' : '1.4' } }));
    expect(attributeTransitions(flapping).map((t) => t.key)).toEqual(['feature.flag']);
  });

  it("takes a running run's missing attributes for not yet arrived, and an ended run's for gone", () => {
    const hung = run(60, 'running', { 'host.name': 'worker-1' });
    expect(attributeTransitions([...history(), hung]).map((t) => [t.key, t.to])).toEqual([
      ['feature.flag', 'on'],
      ['service.version', '1.5'],
    ]);
    const ended = { ...hung, status: 'failure' as const };
    expect(attributeTransitions([...history(), ended]).filter((t) => t.run === ended).map((t) => [t.key, t.to])).toEqual([
      ['feature.flag', null],
      ['service.version', null],
    ]);
  });

  it('says nothing for a single run or none', () => {
    expect(attributeTransitions([])).toEqual([]);
    expect(attributeTransitions(history().slice(0, 1))).toEqual([]);
  });

  it('leaves out a value per run over a few runs (a pod), but not a release that came and went', () => {
    const few = [0, 1, 2, 3].map((i) => run(i, 'success', { 'k8s.pod.name': `pod-${i}`, 'service.version': ['1', '2', '3', '2'][i]! }));
    expect(attributeTransitions(few).map((t) => [t.key, t.to])).toEqual([
      ['service.version', '2'],
      ['service.version', '3'],
      ['service.version', '2'],
    ]);
  });

  it("follows a step's own attributes: a worker release under a steady run is one change naming its steps", () => {
    const step = (i: number, name: string, attributes: Record<string, string>): StepRecord => ({
      id: `${name}${i}`, name, status: 'success', startMs: i * 60_000, endMs: i * 60_000 + 1000, durationMs: 1000, attributes, downstream: [], spanIds: [],
    });
    const runs = Array.from({ length: 60 }, (_, i) => {
      const r = run(i, i >= 40 && i % 3 === 0 ? 'failure' : 'success', { 'service.name': 'starter', 'service.version': '7.0' });
      // The activities run on workers of their own release; the starter's resource is merged into the other step.
      const worker = { 'service.name': 'billing-worker', 'service.version': i < 40 ? '2.0' : '2.1' };
      r.steps = [step(i, 'charge', worker), step(i, 'record', worker), step(i, 'notify', { 'service.name': 'starter', 'service.version': '7.0' })];
      // A step that runs now and then says nothing when it does not run.
      if (i % 2 === 0) r.steps.push(step(i, 'audit', { 'audit.level': i < 52 ? 'basic' : 'full' }));
      return r;
    });
    const found = attributeTransitions(runs);
    expect(found.map((t) => [t.key, t.steps, t.from, t.to, t.run.id])).toEqual([
      ['audit.level', ['audit'], 'basic', 'full', 'r52'],
      ['service.version', ['charge', 'record'], '2.0', '2.1', 'r40'],
    ]);
    expect(found[1]!.after.failed).toBeGreaterThan(found[1]!.before.failed);
  });
});
