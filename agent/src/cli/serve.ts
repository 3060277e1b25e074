import { startAgentFromFile, type RunningAgent } from '../agent.js';
import type { CliIo } from './main.js';

/** `flowlens serve`: runs until SIGINT/SIGTERM, then shuts down gracefully (stop accepting, drain, close). */
export async function runServe(configPath: string | undefined, io: CliIo): Promise<number> {
  const agent = await startAgentFromFile(configPath);
  io.stdout.write(`FlowLens agent: API ${agent.apiUrl}, OTLP/HTTP ${agent.otlpHttpUrl ?? 'off'}, OTLP/gRPC ${agent.otlpGrpcAddress ?? 'off'}\n`);
  await untilSignalled(agent);
  return 0;
}

export function untilSignalled(agent: RunningAgent): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      agent.stop().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
