import { PARAM } from './masking.js';

/** Longest value written into a template in place of its `<*>`: an id or a number, not a paragraph. */
const MAX_VALUE_CHARS = 40;
/** Messages looked at: enough to see a value vary, bounded for an outage of thousands of failures. */
const MAX_MESSAGES = 200;

/**
 * The template with each `<*>` that every message of it fills with the same value written back: the miner masks
 * numbers and ids wherever they are ("exit code <*>"), but an outage whose every message says "exit code 137", or
 * "token expired at 2026-12-01T09:00:00Z", tells the on-call engineer more with it. Messages that do not read as
 * the template (another template's, or spaced otherwise than its tokens) are left out; none left, it stays as it is.
 */
export function withConstantValues(template: string, messages: readonly string[]): string {
  const parts = template.split(PARAM);
  if (parts.length === 1 || messages.length === 0) return template;
  const pattern = new RegExp(`^${parts.map(escape).join('(.+?)')}$`, 's');
  let values: string[] | undefined;
  for (const message of messages.slice(0, MAX_MESSAGES)) {
    const match = pattern.exec(message.replace(/\s+/g, ' ').trim());
    if (!match) continue;
    const found = match.slice(1);
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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
