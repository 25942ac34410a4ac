/**
 * The form text and secret values are compared in: one linear pass that decodes URL escapes
 * (`%40`, UTF-8 sequences) and HTML character references (`&#64;`, `&#x40;`, `&commat;`), applies
 * Unicode compatibility decomposition (NFKD: full-width digits, ligatures, circled numbers) with
 * accents dropped, lower-cases, and keeps letters and digits only. "SW1A 2AA", "sw1a-2aa" and
 * "SW1A%202AA" all become `sw1a2aa`; "+1 (415) 555-0123" becomes `14155550123`.
 *
 * Each kept character remembers the span of the original text it came from, so that a match found
 * in the normalised form can be replaced in the original, separators and escapes included.
 */

/** Text in its normalised form, with the original span of each of its UTF-16 units. */
export interface Normalised {
  /** Lower-case letters and digits only. */
  readonly chars: string;
  /** Original start index of each unit of `chars`. */
  readonly from: Int32Array;
  /** Original end index (exclusive) of each unit of `chars`. */
  readonly to: Int32Array;
  /** 1 where a unit starts a token: after a separator, at the start, or where letters turn to digits or back. */
  readonly tokenStart: Uint8Array;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;

/** Named references worth decoding: separators (so that they separate) and a few letters. */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  commat: '@',
  period: '.',
  hyphen: '-',
  dash: '-',
  plus: '+',
  num: '#',
  colon: ':',
  sol: '/',
  lowbar: '_',
  szlig: 'ß',
};
/** `&eacute;` → `e` and the like: the base letter is what survives normalisation anyway. */
const ACCENTED = /^([A-Za-z])(?:acute|grave|circ|uml|tilde|cedil|ring|slash|caron)$/;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** The byte of a `%XX` escape at `at`, or -1. */
function escapedByte(text: string, at: number): number {
  if (text.charCodeAt(at) !== 37 /* % */ || at + 2 >= text.length) return -1;
  const hi = hexValue(text.charCodeAt(at + 1));
  const lo = hexValue(text.charCodeAt(at + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/** A URL escape (one whole UTF-8 character) at `at`: the decoded text and the escape's length. */
function urlEscape(text: string, at: number): { text: string; length: number } | undefined {
  const lead = escapedByte(text, at);
  if (lead < 0) return undefined;
  const size = lead < 0x80 ? 1 : lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (size === 0) return undefined;
  const bytes = [lead];
  for (let i = 1; i < size; i++) {
    const b = escapedByte(text, at + 3 * i);
    if (b < 0x80 || b >= 0xc0) return undefined;
    bytes.push(b);
  }
  const decoded = Buffer.from(bytes).toString('utf8');
  return decoded.includes('\uFFFD') ? undefined : { text: decoded, length: 3 * size };
}

/** An HTML character reference at `at` (`&#64;`, `&#x40;`, `&commat;`): its text (maybe empty) and length. */
function htmlReference(text: string, at: number): { text: string; length: number } | undefined {
  if (text.charCodeAt(at) !== 38 /* & */) return undefined;
  // References are short: look no further than 34 characters for the `;` (a search to the end of
  // the text from every `&` would make "&&&&…" quadratic).
  const window = text.slice(at + 1, at + 35);
  const semi = window.indexOf(';');
  if (semi < 1) return undefined;
  const body = window.slice(0, semi);
  const end = at + 1 + semi;
  let code: number | undefined;
  if (/^#\d{1,7}$/.test(body)) code = Number(body.slice(1));
  else if (/^#[xX][0-9A-Fa-f]{1,6}$/.test(body)) code = Number.parseInt(body.slice(2), 16);
  if (code !== undefined) {
    const ok = code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return { text: ok ? String.fromCodePoint(code) : '', length: end - at + 1 };
  }
  if (!/^[A-Za-z][A-Za-z0-9]{1,31}$/.test(body)) return undefined;
  const accented = ACCENTED.exec(body);
  // An unknown name still stands for one character: read it as a separator rather than as letters.
  return { text: accented ? (accented[1] as string) : (NAMED[body] ?? ' '), length: end - at + 1 };
}

class Builder {
  readonly units: string[] = [];
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly starts: number[] = [];
  private gap = true;
  private lastDigit = false;

  separator(): void {
    this.gap = true;
  }

  /** Adds the letters and digits of `piece` (already decoded), all from the original span [start, end). */
  add(piece: string, start: number, end: number): void {
    for (const cp of piece) {
      const code = cp.codePointAt(0) as number;
      if (code < 128) {
        if (code >= 48 && code <= 57) this.push(cp, true, start, end);
        else if ((code | 0x20) >= 97 && (code | 0x20) <= 122) this.push(cp.toLowerCase(), false, start, end);
        else this.gap = true;
        continue;
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        this.gap = true; // a lone surrogate
        continue;
      }
      for (const part of cp.normalize('NFKD').toLowerCase()) {
        if (LETTER_OR_DIGIT.test(part)) this.push(part, DIGIT.test(part), start, end);
        // Combining marks (accents) are dropped without separating: "José" is "jose".
        else if (!/\p{M}/u.test(part)) this.gap = true;
      }
    }
  }

  private push(unit: string, digit: boolean, start: number, end: number): void {
    const tokenStart = this.gap || this.units.length === 0 || digit !== this.lastDigit;
    for (let i = 0; i < unit.length; i++) {
      this.units.push(unit[i] as string);
      this.from.push(start);
      this.to.push(end);
      this.starts.push(tokenStart && i === 0 ? 1 : 0);
    }
    this.gap = false;
    this.lastDigit = digit;
  }
}

/** `text` in its normalised form (see the module comment). Linear in the length of `text`. */
export function normalise(text: string): Normalised {
  const b = new Builder();
  let p = 0;
  while (p < text.length) {
    const code = text.charCodeAt(p);
    const encoded = code === 37 ? urlEscape(text, p) : code === 38 ? htmlReference(text, p) : undefined;
    if (encoded) {
      b.add(encoded.text, p, p + encoded.length);
      p += encoded.length;
      continue;
    }
    const cp = text.codePointAt(p) as number;
    const width = cp > 0xffff ? 2 : 1;
    b.add(text.slice(p, p + width), p, p + width);
    p += width;
  }
  return {
    chars: b.units.join(''),
    from: Int32Array.from(b.from),
    to: Int32Array.from(b.to),
    tokenStart: Uint8Array.from(b.starts),
  };
}

/** Plain ASCII with no escape (`%`, `&`): the common case, normalised without the per-character walk. */
const NOT_PLAIN = /[^ -$'-~]/;

/** The normalised form of a value, for comparing it with normalised text. */
export function normaliseValue(value: string): string {
  if (!NOT_PLAIN.test(value)) return value.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return normalise(value).chars;
}

/** The tokens of normalised text: runs of letters or of digits, with their unit ranges. */
export function* tokens(n: Normalised): Generator<{ text: string; start: number; end: number }> {
  let start = 0;
  for (let i = 1; i <= n.chars.length; i++) {
    if (i === n.chars.length || n.tokenStart[i] === 1) {
      if (i > start) yield { text: n.chars.slice(start, i), start, end: i };
      start = i;
    }
  }
}
