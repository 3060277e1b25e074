import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/store.js';

const EVERY_MS = 10 * 60_000;

/**
 * Deletes data older than the retention period, a small chunk per turn of the event loop so ingest is never held
 * up. The cutoff follows event time (the newest run stored), clamped to the wall clock: replayed history is
 * kept, and a sender with a clock far in the future cannot wipe the store.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  /** The pass under way, if any. */
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), EVERY_MS);
    this.timer.unref();
    void this.runOnce();
  }

  /** Stops the schedule; a pass under way ends at its next chunk. Resolves once none runs, so the store may close. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.running;
  }

  runOnce(): Promise<number> {
    if (this.running || this.stopped) return Promise.resolve(0);
    this.running = this.prune().finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(): Promise<number> {
    try {
      const newest = Math.min(Date.now(), this.store.latestEventMs() ?? Date.now());
      const cutoff = newest - this.retentionMs;
      let total = 0;
      for (;;) {
        const deleted = this.store.pruneChunk(cutoff);
        total += deleted;
        if (deleted === 0 || this.stopped) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total > 0) this.logger.info('retention: deleted old data', { rows: total, before: new Date(cutoff).toISOString() });
      return total;
    } catch (error) {
      this.logger.error('retention failed', { error: (error as Error).message });
      return 0;
    }
  }
}
