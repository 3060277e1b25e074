/**
 * Masking: turns a message into tokens with its variable parts replaced by `<*>`, before any clustering. Rules
 * are an ordered list of named regular expressions (earlier rules win where matches start at the same place), so
 * a template's `<*>` can later be traced back to the kind of value it hides.
 */

export const PARAM = '<*>';

export interface MaskRule {
  name: string;
  /** Source of a regular expression without capture groups; matched case-sensitively, globally. */
  pattern: string;
}

const HEX = '[0-9a-fA-F]';
const SIZE_UNIT = '(?:bytes|[KMGTP]i?B|kB|B)';
const TIME_UNIT = '(?:ns|us|µs|ms|s|sec|secs|seconds?|mins?|minutes?|h|hours?)';
const DECIMAL = '\\d+(?:\\.\\d+)?';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const CLOCK = '\\d{2}:\\d{2}:\\d{2}';

/** One configuration for every source: rules for values that are variables in any log, nothing source-specific. */
export const DEFAULT_MASK_RULES: readonly MaskRule[] = [
  { name: 'url', pattern: "\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>()\\[\\]{}]+" },
  { name: 'uuid', pattern: `\\b${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\\b` },
  {
    name: 'timestamp',
    pattern: '\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b',
  },
  // Syslog and ctime ("Sat Jul  9 22:53:19 2005"), and RFC 1123 ("Sun, 06 Nov 1994 08:49:37 GMT").
  {
    name: 'date',
    pattern:
      `\\b(?:${DAY} )?${MONTH} +\\d{1,2} ${CLOCK}(?: \\d{4})?\\b` +
      `|\\b(?:${DAY}, )?\\d{1,2} ${MONTH} \\d{4} ${CLOCK}(?: [A-Z]{3}\\b| [+-]\\d{4})?`,
  },
  { name: 'mac', pattern: `\\b${HEX}{2}(?::${HEX}{2}){5}\\b` },
  { name: 'ip', pattern: '\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![\\w-]|\\.\\w)' },
  { name: 'hostport', pattern: '\\b(?:localhost|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+):\\d{1,5}\\b' },
  { name: 'path', pattern: `(?<![\\w/.])(?:[A-Za-z]:)?(?:[\\\\/][\\w.$@~+%-]+){2,}[\\\\/]?(?:\\?[^\\s"']*)?` },
  { name: 'hex', pattern: `\\b0[xX]${HEX}+\\b` },
  // A size, with the human-readable conversion some tools append ("18846 bytes (18.4 KB)").
  { name: 'size', pattern: `(?<![\\w.-])${DECIMAL} ?${SIZE_UNIT}(?: \\(${DECIMAL} ?${SIZE_UNIT}\\))?(?!\\w)` },
  { name: 'duration', pattern: `(?<![\\w.-])[<>~]?${DECIMAL} ?${TIME_UNIT}(?!\\w)` },
  { name: 'time', pattern: '\\b\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?\\b' },
  { name: 'id', pattern: `(?<![\\w.-])(?=${HEX}*\\d)${HEX}{6,}\\b` },
  { name: 'number', pattern: '(?<![\\w.-])[-+]?\\d+(?:\\.\\d+)?(?!\\w|\\.\\d)' },
];

export type Masker = (message: string) => string[];

/**
 * Builds the masker: all rules run as one alternation in a single pass, then the message is split into tokens
 * (see `tokenize`) and any token that still holds a digit (an id such as `blk_123` or `task_7`) becomes `<*>`.
 */
export function createMasker(rules: readonly MaskRule[] = DEFAULT_MASK_RULES): Masker {
  const combined = rules.length > 0 ? new RegExp(rules.map((r) => `(?:${r.pattern})`).join('|'), 'g') : undefined;
  // Every default rule needs a digit or a slash: lines without either skip the big expression.
  const gate = rules === DEFAULT_MASK_RULES ? /[\d/\\]/ : /[^]/;
  return (message) => tokenize(combined && gate.test(message) ? message.replace(combined, PARAM) : message);
}

const KEY_VALUE = /^([^=]+=)(.+)$/;
/** Ends a key split off its value (an invisible word joiner), so the template text puts them back together. */
const GLUE = '\u2060';

/** Whether the token is the key of a `key=value` pair split by the masker. */
export function isKey(token: string): boolean {
  return token.endsWith(GLUE);
}

/** A template's text: its tokens separated by spaces, keys joined to their values again. */
export function render(tokens: readonly string[]): string {
  const text = tokens.join(' ');
  return text.includes(GLUE) ? text.replaceAll(`${GLUE} `, '') : text;
}

const JOINED_PARAMS = /<\*>(?:[^\w\s<>]+<\*>)+/g;

/**
 * Splits on whitespace, and `key=value` into `key=` and `value` so a value varies in a position of its own.
 * Placeholders joined by punctuation (`<*>,<*>`, `<*>:<*>`) are one variable: lists vary in length.
 */
function tokenize(masked: string): string[] {
  const out: string[] = [];
  for (const token of masked.split(/\s+/)) {
    if (token === '') continue;
    const kv = token.includes('=') ? KEY_VALUE.exec(token) : null;
    if (kv && !isId(kv[1]!.slice(0, -1))) {
      out.push(kv[1]! + GLUE);
      out.push(variable(kv[2]!));
    } else out.push(variable(token));
  }
  return out;
}

/** Letters and one digit (`eth1`, `ssh2`, `SOCKS5`) name a thing; left to the clusters to judge. */
const NAME_WITH_DIGIT = /^[A-Za-z]{2,}\d$/;

function isId(token: string): boolean {
  return /\d/.test(token) && !NAME_WITH_DIGIT.test(token);
}

function variable(token: string): string {
  if (isId(token)) return PARAM;
  return token.includes(PARAM) ? token.replace(JOINED_PARAMS, PARAM) : token;
}
