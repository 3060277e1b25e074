/**
 * Table cells for a terminal, from text the agent got from senders (workflow names): control characters shown
 * escaped, so a newline cannot split a row; width counted in terminal columns, east-asian wide characters as two
 * and combining marks as none; long text cut with an ellipsis, so one name cannot widen every row.
 */

const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Code point ranges a terminal draws two columns wide (Unicode East Asian Width W and F, the common blocks). */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f], // Hangul Jamo
  [0x2e80, 0x303e], // CJK radicals, punctuation
  [0x3041, 0x33ff], // kana, CJK symbols
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], // emoji
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd], // CJK extensions B and on
];

function columnsOf(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  const code = char.codePointAt(0)!;
  return WIDE.some(([from, to]) => code >= from && code <= to) ? 2 : 1;
}

/** Control characters as escapes (`\n`, `\u001b`): one line, and nothing the terminal would act on. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => {
    const named = ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[char];
    return named ?? `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;
  });
}

/** Terminal columns the text takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += columnsOf(char);
  return width;
}

/** The text escaped and, past `max` columns, cut to fit with an ellipsis. */
export function fitCell(text: string, max: number): string {
  const escaped = escapeControls(text);
  if (displayWidth(escaped) <= max) return escaped;
  let out = '';
  let width = 0;
  for (const char of escaped) {
    const next = columnsOf(char);
    if (width + next > max - 1) break;
    out += char;
    width += next;
  }
  return `${out}…`;
}
