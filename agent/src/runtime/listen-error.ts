import { ConfigError } from '../config/error.js';
import { envName } from '../config/env.js';

/** What the system's refusal means for the one who chose the address. */
const REASONS: [RegExp, string][] = [
  [/EADDRINUSE/, 'another process is listening there'],
  [/EACCES/, 'permission denied (ports below 1024 need privileges)'],
  [/EADDRNOTAVAIL/, 'no network interface of this machine has that address'],
];

/**
 * A server that cannot listen, told as the configuration key that chose its address: a one-line error the CLI
 * prints, instead of a stack trace. Other errors pass unchanged.
 */
export function listenError(key: string, address: string, error: unknown): unknown {
  // Node sets `code`; grpc-js only writes the system's error into its message.
  const text = `${(error as { code?: unknown }).code ?? ''} ${(error as Error).message ?? ''}`;
  const reason = REASONS.find(([pattern]) => pattern.test(text))?.[1];
  if (reason === undefined) return error;
  return new ConfigError(`${key}: cannot listen on ${address}: ${reason}; set ${key} (${envName(key)}) to a free address`);
}
