import { describe, expect, it } from 'vitest';
import { TemplateMiner, type TemplateState } from '../../src/analyse/templates/index.js';

const history = [
  'Failed password for root from 5.36.59.76 port 42393 ssh2',
  'Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2',
  'Failed password for invalid user admin from 10.1.1.1 port 22 ssh2',
  'step checkout finished in 3s status=ok',
  'step build finished in 1200ms status=failed',
  'Connection timeout to db1.example.com:5432 after 3000ms',
  '10.11.10.1 "GET /v2/a/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
  '10.11.10.1 "POST /v2/b/servers HTTP/1.1" status: 202 len: 733 time: 0.51',
];
const later = [
  'Failed password for invalid user guest from 1.2.3.4 port 1 ssh2',
  'Failed password for invalid user oracle from 1.2.3.5 port 2 ssh2',
  'Failed password for invalid user pi from 1.2.3.6 port 3 ssh2',
  'step deploy finished in 2s status=ok',
  'Connection timeout to 10.0.0.1:5432 after 5s',
  'queue drained',
];

/** Through JSON, as a store would keep the rows. */
const stored = (rows: TemplateState[]) => JSON.parse(JSON.stringify(rows)) as TemplateState[];

describe('snapshot and restore', () => {
  it('gives the same ids, matches and further learning as the miner that was saved', () => {
    const original = new TemplateMiner();
    for (const line of history) original.add(line);
    const restored = TemplateMiner.restore(stored(original.snapshot()));

    for (const line of [...history, ...later]) expect(restored.match(line)).toEqual(original.match(line));
    expect(restored.templates()).toEqual(original.templates());
    for (const line of later) expect(restored.add(line)).toEqual(original.add(line));
    expect(restored.snapshot()).toEqual(original.snapshot());
  });

  it('writes explicit, versioned rows', () => {
    const miner = new TemplateMiner();
    miner.add('job 1 failed');
    miner.add('job 2 failed');
    expect(miner.snapshot()).toEqual([
      {
        version: 1,
        id: miner.match('job 1 failed')!.templateId,
        tokens: ['job', '<*>', 'failed'],
        values: [[['job', 2]], [['<*>', 2]], [['failed', 2]]],
        templates: [{ id: miner.match('job 3 failed')!.templateId, tokens: ['job', '<*>', 'failed'], count: 2 }],
        count: 2,
      },
    ]);
  });

  it('keeps the least recently used order, so the cap forgets the same clusters after a restart', () => {
    const miner = new TemplateMiner({ maxClusters: 2 });
    miner.add('alpha happened');
    miner.add('beta happened twice');
    miner.add('alpha happened');
    const restored = TemplateMiner.restore(stored(miner.snapshot()), { maxClusters: 2 });
    restored.add('gamma happened three times');
    expect(restored.match('alpha happened')).toBeDefined();
    expect(restored.match('beta happened twice')).toBeUndefined();
  });

  it('rejects malformed or foreign rows with a clear error', () => {
    const [row] = (() => {
      const m = new TemplateMiner();
      m.add('disk full on /dev/sda1');
      return stored(m.snapshot());
    })();
    expect(() => TemplateMiner.restore([{ ...row!, version: 2 } as unknown as TemplateState])).toThrow(/version 2/);
    expect(() => TemplateMiner.restore([{ ...row!, values: [] }])).toThrow(/differ in length/);
    expect(() => TemplateMiner.restore([{ ...row!, templates: [{ id: 'tx', tokens: row!.tokens, count: 1 }] }])).toThrow(
      /does not match/,
    );
    expect(() => TemplateMiner.restore([null as unknown as TemplateState])).toThrow(TypeError);
    expect(() => TemplateMiner.restore([row!, row!])).toThrow(/duplicate/);
  });
});
