import type { Logger } from './logger.js';

/** Runs one step of a shutdown; resolves to whether it succeeded. */
export type ShutdownStep = (name: string, run: () => unknown) => Promise<boolean>;

/**
 * Shutdown steps that never throw: a failed one (the last write to a locked store, a full disk) is logged, and the
 * caller goes on with the next, so servers and the store are still closed and the process can exit.
 */
export function shutdownSteps(logger: Logger, fields: Record<string, unknown> = {}): ShutdownStep {
  return async (name, run) => {
    try {
      await run();
      return true;
    } catch (error) {
      logger.error(`shutdown: ${name} failed`, { ...fields, error: (error as Error).message });
      return false;
    }
  };
}
