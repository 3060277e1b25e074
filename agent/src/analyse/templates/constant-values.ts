import { PARAM } from './masking.js';

/** Longest value written into a template in place of its `<*>`: an id or a number, not a paragraph. */
const MAX_VALUE_CHARS = 40;
/** Distinct messages looked at: enough to see a value vary, bounded for an outage of thousands of failures. */
const MAX_MESSAGES = 200;
/** Longer messages are not read: a title's values are short, and spacing out 64 KiB a message takes time. */
const MAX_MESSAGE_CHARS = 4_096;

/**
 * The template with each `<*>` that every message of it fills with the same value written back: the miner masks
 * numbers and ids wherever they are ("exit code <*>"), but an outage whose every message says "exit code 137", or
 * "token expired at 2026-12-01T09:00:00Z", tells the on-call engineer more with it. `messages` are the template's
 * own, distinct, newest first; one that does not read as the template (spaced otherwise than its tokens) is left
 * out, and none left, it stays as it is.
 */
export function withConstantValues(template: string, messages: readonly string[]): string {
  const parts = template.split(PARAM);
  if (parts.length === 1 || messages.length === 0) return template;
  let values: string[] | undefined;
  for (const message of messages.slice(0, MAX_MESSAGES)) {
    if (message.length > MAX_MESSAGE_CHARS) continue;
    const found = valuesIn(message.replace(/\s+/g, ' ').trim(), parts);
    if (!found) continue;
    if (!values) values = found;
    else for (let i = 0; i < values.length; i++) if (values[i] !== found[i]) values[i] = PARAM;
  }
  if (!values) return template;
  const agreed = values;
  return parts.reduce((text, part, i) => {
    if (i === 0) return part;
    const value = agreed[i - 1]!;
    return text + (value === PARAM || value.length > MAX_VALUE_CHARS ? PARAM : value) + part;
  }, '');
}

/**
 * The values between the template's literal `parts` in `text`, each part found at its first place after the last
 * (a regular expression of lazy groups would do the same, but can take time exponential in the groups on a
 * message that does not match); undefined when the text does not read as the template.
 */
function valuesIn(text: string, parts: readonly string[]): string[] | undefined {
  if (!text.startsWith(parts[0]!)) return undefined;
  const values: string[] = [];
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    // A value is at least one character; the last part ends the text.
    const end = last ? (text.endsWith(part) ? text.length - part.length : -1) : part === '' ? at + 1 : text.indexOf(part, at + 1);
    if (end <= at) return undefined;
    values.push(text.slice(at, end));
    at = end + part.length;
  }
  return at === text.length ? values : undefined;
}
