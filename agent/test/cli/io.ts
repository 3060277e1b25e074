import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A terminal's output stream, kept as text: the commands only write to it. */
function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { write: (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, text: () => chunks.join('') };
}

/** `flowlens <args>` through the CLI's own entry point, as a terminal runs it, with its output captured. */
export async function flowlens(args: string[]): Promise<CliResult> {
  const stdout = capture();
  const stderr = capture();
  const code = await main(args, { stdin: new PassThrough(), stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
