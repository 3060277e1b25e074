/**
 * Longest string kept (attribute keys and values, names, status messages, log bodies), as the OTel SDKs' attribute
 * value length limit: a runaway value (a whole file in an attribute or an error message) is cut, not stored and
 * served whole.
 */
export const MAX_VALUE_CHARS = 64 * 1024;

export function capValue(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS)}…[truncated ${text.length - MAX_VALUE_CHARS} characters]`;
}
