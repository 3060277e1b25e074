/**
 * For long work on the event loop, done in steps: `pause()` after each step lets other callbacks (requests, I/O)
 * run once `sliceMs` of work has gone by since the last time, and costs nothing in between. `cancelled` is
 * asked after each such break; when it says so, `pause()` throws `Cancelled`.
 */
export function timeSlices(sliceMs: number, cancelled: () => boolean = () => false): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (cancelled()) throw new Cancelled();
    since = performance.now();
  };
}

/** The work was given up at a break (the agent is stopping). */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';

  constructor() {
    super('cancelled');
  }
}
