/**
 * Redaction: the one place that turns text which may hold a credential or personal datum into text
 * that may be shown, logged or serialised.
 *
 * Two passes, because either alone misses something:
 * 1. exact values known to be secret for this call (the tenant's credentials, the applicant's SSN,
 *    NI number, email, phone, names, birth date, address lines), in the forms they can come back in
 *    (./redaction/): case-, separator-, accent- and encoding-insensitive, phones in national form
 *    and as a local number, dates in any order or spelled out, and partial forms as whole words (an
 *    SSN's last four digits, the words of a name or an address line);
 * 2. shapes that look like personal data or credentials whatever their source (emails, SSNs, NI
 *    numbers, phone numbers, dates, JWTs, `Basic …`/`Bearer …` values, long opaque tokens).
 * Over-redacting a provider's message is cheap; leaking an SSN into a log is not.
 *
 * Both passes are linear and bounded: text is cut to {@link MAX_REDACTED_LENGTH} first, every
 * pattern either has bounded quantifiers or can start only at the beginning of a run it consumes,
 * and the exact values are found with one automaton however many there are.
 */
import { inspect } from 'node:util';
import { KeyAutomaton } from './redaction/automaton.js';
import { normalise, normaliseValue, tokens } from './redaction/normalise.js';
import { dateWords, keysOf, wordsOf } from './redaction/variants.js';

export const REDACTED = '[REDACTED]';

/** The longest text redacted; the rest is cut off (an error message is never legitimately longer). */
export const MAX_REDACTED_LENGTH = 16_384;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029;
}

/**
 * `text` cut to `max` characters (and an ellipsis). The cut also drops the last, partial word: it
 * could be the first half of a value that no pattern would recognise whole.
 */
export function boundText(text: string, max = MAX_REDACTED_LENGTH): string {
  if (text.length <= max) return text;
  let end = max;
  while (end > 0 && !isSpace(text.charCodeAt(end))) end--;
  return `${text.slice(0, end)}…`;
}

/*
 * Each pattern is linear on any input: its quantifiers are bounded, or it can start only where a run
 * of its characters starts (a lookbehind) so that no run is rescanned from each of its positions.
 * (The email pattern without its left anchor took 4 s on a 64 KiB word.)
 */
/** Shapes of personal data. */
const PERSONAL_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // email
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+%40[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gi, // URL-encoded email
  /\b\d{3}-\d{2}-\d{4}\b/g, // SSN with dashes
  /\b\d{9}\b/g, // SSN without dashes (and other 9-digit identifiers)
  /\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/gi, // NI number
  /\+?\d[\d ().-]{7,30}\d/g, // phone-like runs of digits
  /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]{1,30}(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, // dates and date-times
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g, // dates written with slashes
];

/** Shapes of credentials. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(?:Basic|Bearer)[ \t]{1,16}[A-Za-z0-9._~+/=-]+/gi,
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, // JWT
  // Long opaque tokens and keys: 32+ characters mixing letters and digits (so that a long
  // identifier such as an environment variable's name stays readable).
  /(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g,
];

/** Credentials first: a JWT or a `Bearer` value can hold digit runs that look like phones. */
const PATTERNS: readonly RegExp[] = [...CREDENTIAL_PATTERNS, ...PERSONAL_PATTERNS];
const PERSONAL_TESTS = PERSONAL_PATTERNS.map((re) => new RegExp(re.source, re.flags.replace('g', '')));

/** Replaces every personal-data or credential shape in `text` (cut to {@link MAX_REDACTED_LENGTH}). */
export function redactPatterns(text: string): string {
  let out = boundText(text);
  for (const re of PATTERNS) out = out.replace(re, REDACTED);
  return out;
}

/**
 * Whether `text` holds a personal-data shape (an email, an SSN, an NI number, a phone, a date).
 * Unlike {@link redactPatterns}, an opaque token does not count: for a request id, being one is the point.
 */
export function looksPersonal(text: string): boolean {
  const bounded = boundText(text);
  return PERSONAL_TESTS.some((re) => re.test(bounded));
}

/** `text` with the spans `[start, end)` replaced by {@link REDACTED}, overlapping spans merged. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let open: [number, number] | undefined;
  for (const span of spans) {
    if (open && span[0] < open[1]) {
      open[1] = Math.max(open[1], span[1]);
      continue;
    }
    if (open) {
      out += text.slice(at, open[0]) + REDACTED;
      at = open[1];
    }
    open = [span[0], span[1]];
  }
  if (open) {
    out += text.slice(at, open[0]) + REDACTED;
    at = open[1];
  }
  return out + text.slice(at);
}

/**
 * A redactor for one tenant or one call: it knows the exact secret values in play. Values of one
 * letter or digit (once normalised) are ignored, they would redact every word; values of two are
 * redacted as whole words only ("Li" not inside "Limited"); longer ones wherever they appear.
 *
 * Its values are private: printing or serialising a redactor shows how many it holds, nothing else.
 */
export class Redactor {
  readonly #values: readonly string[];
  readonly #automaton: KeyAutomaton;
  /** Day, month and year words of the dates among the values (one set each, all dates together). */
  readonly #day = new Set<string>();
  readonly #month = new Set<string>();
  readonly #year = new Set<string>();
  readonly #fullYear = new Set<string>();
  /** Partial forms redacted as whole words only (./redaction/variants.ts `wordsOf`). */
  readonly #words = new Set<string>();

  constructor(secrets: Iterable<string | undefined | null> = []) {
    const values = new Set<string>();
    const keys = new Set<string>();
    for (const s of secrets) {
      if (typeof s !== 'string' || values.has(s)) continue;
      let kept = false;
      for (const key of keysOf(s)) {
        if (key.length < 2) continue;
        keys.add(key);
        kept = true;
      }
      if (!kept) continue;
      values.add(s);
      for (const word of wordsOf(s)) this.#words.add(word);
      const date = dateWords(s);
      if (date) {
        for (const w of date.day) this.#day.add(w);
        for (const w of date.month) this.#month.add(w);
        for (const w of date.year) this.#year.add(w);
        this.#fullYear.add(date.fullYear);
      }
    }
    this.#values = [...values];
    this.#automaton = new KeyAutomaton(keys);
  }

  /** How many secret values it knows. */
  get size(): number {
    return this.#values.length;
  }

  /** A redactor that knows this one's secrets and `more`. */
  with(more: Iterable<string | undefined | null>): Redactor {
    return new Redactor([...this.#values, ...more]);
  }

  /**
   * Whether `text` holds any of this redactor's values in their normalised forms, anywhere (short
   * ones too, so it errs towards yes). For an opaque token such as a request id.
   */
  finds(text: string): boolean {
    return this.#values.length > 0 && !this.#automaton.scan(normaliseValue(boundText(text))).next().done;
  }

  /**
   * {@link Redactor.finds}, or a value as {@link Redactor.redact} finds it among words: an SSN's
   * last four as a word, a birth date's parts. For text (what a token decodes to), not for the token
   * itself, whose digits and letters would read as such words by chance.
   */
  findsInText(text: string): boolean {
    if (this.finds(text)) return true;
    return this.#values.length > 0 && this.#spans(boundText(text)).length > 0;
  }

  /** `text` with this redactor's exact values, then every personal-data and credential shape, replaced by {@link REDACTED}. */
  redact(text: string): string {
    const bounded = boundText(text);
    return redactPatterns(replaceSpans(bounded, this.#spans(bounded)));
  }

  #spans(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    if (this.#values.length === 0) return spans;
    const n = normalise(text);
    const span = (start: number, end: number) =>
      spans.push([n.from[start] as number, n.to[end - 1] as number]);
    for (const m of this.#automaton.scan(n.chars)) {
      if (m.end - m.start >= 3 || isWholeToken(n.tokenStart, m.start, m.end)) span(m.start, m.end);
    }
    if (this.#words.size > 0) {
      for (const w of tokens(n)) if (this.#words.has(w.text)) span(w.start, w.end);
    }
    if (this.#fullYear.size > 0) {
      // A date's parts as separate words: redacted when two of day, month and year appear together
      // ("Day 9 of month 3 of 1987"); the four-digit year always.
      const words = [...tokens(n)];
      let kinds = 0;
      for (const w of words) {
        if (this.#day.has(w.text)) kinds |= 1;
        if (this.#month.has(w.text)) kinds |= 2;
        if (this.#year.has(w.text)) kinds |= 4;
      }
      const together = kinds === 3 || kinds === 5 || kinds === 6 || kinds === 7;
      for (const w of words) {
        const part = this.#day.has(w.text) || this.#month.has(w.text) || this.#year.has(w.text);
        if (this.#fullYear.has(w.text) || (together && part)) span(w.start, w.end);
      }
    }
    return spans;
  }

  /** What `JSON.stringify` shows: the number of values, never one of them. */
  toJSON(): { redactor: { values: number } } {
    return { redactor: { values: this.#values.length } };
  }

  /** What `util.inspect` (and so `console.log`) shows: the number of values, never one of them. */
  [inspect.custom](): string {
    return `Redactor { values: ${this.#values.length} }`;
  }
}

/** Whether [start, end) begins and ends at word boundaries ("A B" and "AB" for "ab", not "ABBEY"). */
function isWholeToken(tokenStart: Uint8Array, start: number, end: number): boolean {
  return tokenStart[start] === 1 && (end >= tokenStart.length || tokenStart[end] === 1);
}

/** Collects every string leaf of a value (for building a redactor from a request body or input). */
export function stringLeaves(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8 || value === null || value === undefined) return out;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out, depth + 1);
  else if (typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v, out, depth + 1);
  return out;
}
