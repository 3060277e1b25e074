import { startAgentFromFile, type RunningAgent } from '../agent.js';
import type { CliIo } from './main.js';

/**
 * `flowlens serve`: runs until SIGINT/SIGTERM, then shuts down gracefully (stop accepting, drain, close); exits 1
 * when a step of the shutdown failed (logged), so a supervisor sees that the last writes may be missing.
 */
export async function runServe(configPath: string | undefined, io: CliIo): Promise<number> {
  const agent = await startAgentFromFile(configPath);
  io.stdout.write(`FlowLens agent: API ${agent.apiUrl}, OTLP/HTTP ${agent.otlpHttpUrl ?? 'off'}, OTLP/gRPC ${agent.otlpGrpcAddress ?? 'off'}\n`);
  return (await untilSignalled(agent)) ? 0 : 1;
}

/** Resolves once a signal stopped the agent: true when it stopped cleanly. */
export function untilSignalled(agent: RunningAgent): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      agent.stop().then(
        () => resolve(true),
        () => resolve(false),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
