import { describe, expect, it } from 'vitest';
import { TemplateMiner, type TemplateMatch } from '../../src/analyse/templates/index.js';

const templatesOf = (miner: TemplateMiner, lines: string[]) => lines.map((l) => miner.add(l).template);

describe('TemplateMiner', () => {
  it('groups messages that differ only in their values', () => {
    const miner = new TemplateMiner();
    const lines = [
      'Connection timeout to db1.example.com:5432 after 3000ms',
      'Connection timeout to 10.0.0.7:5432 after 250 ms',
      'Connection timeout to cache.internal:6379 after 1.5s',
    ];
    const [a, b, c] = lines.map((l) => miner.add(l));
    expect(a).toMatchObject({ template: 'Connection timeout to <*> after <*>', change: 'created' });
    expect(b).toMatchObject({ templateId: a!.templateId, change: 'none' });
    expect(c).toMatchObject({ templateId: a!.templateId, change: 'none' });
  });

  it('learns the templates of sshd lines (Drain3 test_drain.py style)', () => {
    const miner = new TemplateMiner();
    const lines = [
      'Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2',
      'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
      'Failed password for invalid user ftpuser from 0.0.0.0 port 62891 ssh2',
      'Failed password for invalid user pi from 0.0.0.0 port 49289 ssh2',
      'Failed password for invalid user admin from 10.1.1.1 port 22 ssh2',
      'Failed password for root from 5.36.59.76 port 42393 ssh2',
      'Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]',
      'Received disconnect from 202.100.179.208: 11: Bye Bye [preauth]',
    ];
    expect(templatesOf(miner, lines)).toEqual([
      'Failed password for invalid user test9 from <*> port <*> ssh2',
      'Failed password for invalid user webmaster from <*> port <*> ssh2',
      'Failed password for invalid user ftpuser from <*> port <*> ssh2',
      'Failed password for invalid user pi from <*> port <*> ssh2',
      // The fifth user name shows the position is a variable: the five templates merge.
      'Failed password for invalid user <*> from <*> port <*> ssh2',
      'Failed password for root from <*> port <*> ssh2',
      'Received disconnect from <*>: <*>: Bye Bye [preauth]',
      'Received disconnect from <*>: <*>: Bye Bye [preauth]',
    ]);
    expect(miner.match(lines[0]!)?.template).toBe('Failed password for invalid user <*> from <*> port <*> ssh2');
  });

  it('keeps words that take only a few values apart, as different events', () => {
    const miner = new TemplateMiner();
    const verbs = ['GET', 'POST', 'GET', 'DELETE', 'GET', 'POST'];
    const ids = verbs.map((v, i) => miner.add(`10.11.10.1 "${v} /v2/tenant${i}/servers/detail HTTP/1.1" status: 200`).templateId);
    expect(new Set(ids).size).toBe(3);
    expect(miner.match('10.11.10.9 "POST /v2/x/servers HTTP/1.1" status: 500')?.template).toBe(
      '<*> "POST <*> HTTP/<*>" status: <*>',
    );
  });

  it('reports generalisation as updated, with every merged template and where its lines went', () => {
    const miner = new TemplateMiner({ maxValuesPerPosition: 2 });
    const first = miner.add('job checkout finished');
    const second = miner.add('job test finished');
    expect([first.change, second.change]).toEqual(['created', 'created']);
    expect(miner.add('job checkout finished').change).toBe('none');
    const third: TemplateMatch = miner.add('job deploy finished');
    expect(third).toMatchObject({ template: 'job <*> finished', change: 'updated' });
    expect(third.merged).toEqual(
      expect.arrayContaining([
        { from: first.templateId, to: third.templateId },
        { from: second.templateId, to: third.templateId },
      ]),
    );
    expect(miner.match('job checkout finished')?.templateId).toBe(third.templateId);
    expect(miner.templates()).toEqual([{ templateId: third.templateId, template: 'job <*> finished', count: 4 }]);
  });

  it('treats the value of a key=value pair as variable after fewer values', () => {
    const miner = new TemplateMiner();
    for (const step of ['checkout', 'build', 'test']) miner.add(`step finished name=${step} status=ok`);
    expect(miner.match('step finished name=build status=ok')?.template).toBe('step finished name=<*> status=ok');
  });

  it('classifies without learning', () => {
    const miner = new TemplateMiner();
    expect(miner.match('Disk full on /dev/sda1')).toBeUndefined();
    expect(miner.add('Disk full on /dev/sda1').change).toBe('created');
    expect(miner.match('Disk full on /dev/sdb2')).toMatchObject({ template: 'Disk full on <*>', change: 'none' });
    expect(miner.match('Disk almost full on /dev/sdb2')).toBeUndefined();
    expect(miner.templates()).toHaveLength(1);
  });

  it('gives a template the same id in independent miners', () => {
    const lines = ['worker 3 crashed: out of memory', 'worker 12 crashed: out of memory', 'queue drained'];
    const a = new TemplateMiner();
    const b = new TemplateMiner();
    const idsA = lines.map((l) => a.add(l).templateId);
    const idsB = [...lines].reverse().map((l) => b.add(l).templateId).reverse();
    expect(idsB).toEqual(idsA);
  });

  it('stays within maxClusters however many distinct messages arrive, forgetting the least recent', () => {
    const miner = new TemplateMiner({ maxClusters: 50 });
    const words = (n: number) => n.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    for (let i = 0; i < 5000; i++) miner.add(`event ${words(i)} happened in ${words(i * 7)} zone ${words(i * 13)}`);
    const rows = miner.snapshot();
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(miner.templates().length).toBeLessThanOrEqual(50 * 64);
    const recent = `event ${words(4999)} happened in ${words(4999 * 7)} zone ${words(4999 * 13)}`;
    expect(miner.match(recent)).toBeDefined();
  });

  it('bounds the templates of one cluster by generalising its busiest position', () => {
    const miner = new TemplateMiner({ maxTemplatesPerCluster: 4 });
    const lines: string[] = [];
    for (const region of ['eu', 'us', 'ap']) for (const tier of ['gold', 'silver', 'bronze']) lines.push(`deploy to ${region} tier ${tier} done`);
    for (const l of lines) miner.add(l);
    expect(miner.templates().length).toBeLessThanOrEqual(4);
    expect(miner.templates().reduce((n, t) => n + t.count, 0)).toBe(lines.length);
    for (const l of lines) expect(miner.match(l)?.template).toMatch(/^deploy to .* tier .* done$/);
  });

  it('counts the tail of a very long message as one variable', () => {
    const miner = new TemplateMiner({ maxTokens: 4 });
    expect(miner.add('a b c d e f g').template).toBe('a b c <*>');
    expect(miner.add('a b c x').templateId).toBe(miner.match('a b c y z')?.templateId);
  });

  it('handles empty and whitespace-only messages', () => {
    const miner = new TemplateMiner();
    expect(miner.add('').template).toBe('');
    expect(miner.add('   \t ').templateId).toBe(miner.match('')?.templateId);
  });

  it('rejects invalid options', () => {
    expect(() => new TemplateMiner({ similarity: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxClusters: 0 })).toThrow(/maxClusters/);
    expect(() => new TemplateMiner({ maxValuesPerPosition: 1.5 })).toThrow(/maxValuesPerPosition/);
  });
});
