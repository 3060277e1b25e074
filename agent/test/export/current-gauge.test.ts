import { describe, expect, it } from 'vitest';
import { CurrentGauge } from '../../src/export/current-gauge.js';

const T: [number, number] = [0, 0];

describe('a gauge of what holds now', () => {
  it('exports exactly the series its callback reports at each collection', () => {
    let reported: Record<string, number> = { a: 1, b: 2 };
    const gauge = new CurrentGauge('g', 'test', (r) => Object.entries(reported).forEach(([w, v]) => r.observe(v, { w })), () => {});
    const series = () => gauge.collect(T, T).dataPoints.map((p) => [p.attributes['w'], p.value]);
    expect(series()).toEqual([['a', 1], ['b', 2]]);
    // `b` resolved: its series goes, instead of staying at its last value.
    reported = { a: 3 };
    expect(series()).toEqual([['a', 3]]);
  });

  it('leaves itself out while its callback throws, saying so once, and comes back when it can be read', () => {
    const errors: string[] = [];
    let closed = true;
    const gauge = new CurrentGauge('flowlens_store_size_bytes', 'test', (r) => {
      if (closed) throw new Error('The database connection is not open');
      r.observe(42);
    }, (message) => errors.push(message));
    expect(gauge.collect(T, T).dataPoints).toEqual([]);
    expect(gauge.collect(T, T).dataPoints).toEqual([]);
    expect(errors).toEqual(['metrics: flowlens_store_size_bytes could not be read, left out until it can: The database connection is not open']);
    closed = false;
    expect(gauge.collect(T, T).dataPoints.map((p) => p.value)).toEqual([42]);
  });
});
