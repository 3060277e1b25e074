import { describe, expect, it } from 'vitest';
import { Cancelled, timeSlices } from '../../src/runtime/time-slices.js';

/** Busy work on the event loop for `ms`. */
const work = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('timeSlices', () => {
  it('lets other callbacks run once a slice of work has gone by, and not before', async () => {
    const pause = timeSlices(20);
    let ran = 0;
    setImmediate(() => ran++);
    work(5);
    await pause();
    expect(ran).toBe(0);
    work(20);
    await pause();
    expect(ran).toBe(1);
    // The slice starts again after a break.
    setImmediate(() => ran++);
    work(5);
    await pause();
    expect(ran).toBe(1);
  });

  it('gives the work up at a break once it is cancelled', async () => {
    let cancelled = false;
    const pause = timeSlices(0, () => cancelled);
    await pause();
    cancelled = true;
    await expect(pause()).rejects.toBeInstanceOf(Cancelled);
  });
});
