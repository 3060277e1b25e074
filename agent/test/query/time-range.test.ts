import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/query/time-range.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('reading from and to', () => {
  // An agent in Berlin: times without a zone must not be read in its zone.
  const zone = process.env['TZ'];
  let agent: TestAgent;
  beforeAll(async () => {
    process.env['TZ'] = 'Europe/Berlin';
    agent = await startTestAgent();
  });
  afterAll(async () => {
    await agent.close();
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it.each([
    ['0', 0],
    ['100000', 100_000],
    ['86400000', 86_400_000],
    ['1764763740000', 1_764_763_740_000],
  ])('reads every run of digits as epoch milliseconds: %s', (text, ms) => {
    expect(parseTime(text, NOW)).toBe(ms);
  });

  it.each([
    ['2026-12-03T08:29', '2026-12-03T08:29:00.000Z'],
    ['2026-12-03 08:29', '2026-12-03T08:29:00.000Z'],
    ['2026-12-03 08:29 UTC', '2026-12-03T08:29:00.000Z'],
    ['2026-12-03T08:29:15.250', '2026-12-03T08:29:15.250Z'],
    ['2026-12-03', '2026-12-03T00:00:00.000Z'],
    ['2026-12-03T08:29Z', '2026-12-03T08:29:00.000Z'],
    ['2026-12-03T08:29+01:00', '2026-12-03T07:29:00.000Z'],
    ['2026-12-03T08:29-0230', '2026-12-03T10:59:00.000Z'],
  ])('reads %s as UTC unless it names its zone', (text, iso) => {
    expect(new Date(parseTime(text, NOW)!).toISOString()).toBe(iso);
  });

  it.each(['bogus', 'now-', 'now-soon', '2026-13-03', '03/12/2026', '1e3', '99999999999999999999'])('cannot read %s', (text) => {
    expect(parseTime(text, NOW)).toBeUndefined();
  });

  it('answers ranges in epoch milliseconds and zone-less times as the user meant them', async () => {
    const starts = async (from: string, to: string) => (await agent.get(`/api/v1/workflows?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body.sparklineStarts;
    expect((await starts('0', '86400000'))[0]).toBe('1970-01-01T00:00:00.000Z');
    expect((await starts('86400000', '100000000'))[0]).toBe('1970-01-02T00:00:00.000Z');
    // The CLI prints times as `2026-12-03 08:29 UTC`: pasted back, they mean the same minute.
    expect((await starts('2026-12-03 08:29', '2026-12-03T09:29'))[0]).toBe('2026-12-03T08:29:00.000Z');
    const wrong = await agent.get('/api/v1/workflows?from=100000&to=0');
    expect(wrong).toEqual({ status: 400, body: { error: { message: 'from must not be after to' } } });
  });
});
