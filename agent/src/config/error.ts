/** A configuration problem, reported to the user as one message naming the bad keys. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
