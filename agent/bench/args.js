import { parseArgs } from 'node:util';

/** Says what is wrong with the command line, one line and the usage on stderr, and exits 2. */
export function usageExit(tool, message, usage) {
  process.stderr.write(`${tool}: ${message}\n${usage}\n`);
  process.exit(2);
}

/**
 * The command line's options (`parseArgs` options), or `usageExit`: parseArgs names an unknown or incomplete
 * option, and the stack trace under it says nothing more.
 */
export function optionsOrExit(tool, usage, options) {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    return usageExit(tool, error.message, usage);
  }
}
