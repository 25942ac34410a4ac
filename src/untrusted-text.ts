/**
 * Showing text someone else chose (a requested tenant id, a configuration key, a command-line flag)
 * inside one of our messages. It is cut first, so that a 1 MiB id costs as much as a 64-character
 * one, then every character that is not plainly printable is escaped: a control character, a bidi
 * override or a zero-width space cannot rewrite a terminal or a log line, or hide what was asked.
 */

/** How many characters (code points) of such text a message shows; longer text ends with "…". */
export const MAX_SHOWN_LENGTH = 64;

/** Letters, digits, punctuation, symbols and the plain space: everything else is escaped. */
const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S} ]$/u;

const NAMED_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\\', '\\\\'],
  ['"', '\\"'],
]);

/** Options of {@link showUntrusted}. */
export interface ShowOptions {
  /**
   * Escape `\` and `"` too (default), so that the text can be quoted unambiguously. Off, escaping is
   * idempotent: text already shown passes unchanged (what a safety net over shown text needs).
   */
  escapeQuotes?: boolean;
}

/**
 * `value` as it can be shown: at most `max` code points (then "…"), with `\n`, `\t`, `\\`, `\"` and
 * `\u{…}` escapes for anything not plainly printable. Only the first `max` code points are ever
 * read. A value that is not a string is shown as its type (`(number)`), never converted.
 */
export function showUntrusted(value: unknown, max = MAX_SHOWN_LENGTH, options: ShowOptions = {}): string {
  const escapeQuotes = options.escapeQuotes ?? true;
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  let out = '';
  let count = 0;
  // The string iterator walks code points lazily (a lone surrogate comes out on its own).
  for (const char of value) {
    if (count === max) return `${out}…`;
    count++;
    const named = NAMED_ESCAPES.get(char);
    if (named !== undefined && (escapeQuotes || (char !== '\\' && char !== '"'))) out += named;
    else if (PRINTABLE.test(char)) out += char;
    else out += `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
  }
  return out;
}
