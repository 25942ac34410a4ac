/**
 * Redaction: the one place that turns text which may hold a credential or personal datum into text
 * that may be shown, logged or serialised.
 *
 * Two passes, because either alone misses something:
 * 1. exact values known to be secret for this call (the tenant's credentials, the applicant's SSN,
 *    NI number, email, phone, names, birth date, address lines), in any case;
 * 2. shapes that look like personal data or credentials whatever their source (emails, SSNs, NI
 *    numbers, phone numbers, dates, JWTs, `Basic …`/`Bearer …` values, long opaque tokens).
 * Over-redacting a provider's message is cheap; leaking an SSN into a log is not.
 */

export const REDACTED = '[REDACTED]';

const PATTERNS: readonly RegExp[] = [
  /\b(?:Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, // JWT
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // email
  /\b\d{3}-\d{2}-\d{4}\b/g, // SSN with dashes
  /\b\d{9}\b/g, // SSN without dashes (and other 9-digit identifiers)
  /\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/gi, // NI number
  /\+?\d[\d ().-]{7,}\d/g, // phone-like runs of digits
  /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, // dates and date-times
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g, // dates written with slashes
  // Long opaque tokens and keys: 32+ characters mixing letters and digits (so that a long
  // identifier such as an environment variable's name stays readable).
  /\b(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g,
];

/** Replaces every personal-data or credential shape in `text`. */
export function redactPatterns(text: string): string {
  let out = text;
  for (const re of PATTERNS) out = out.replace(re, REDACTED);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Letters and digits in any script: what a 2-character value must not be glued to to count as a word. */
const WORD_CHAR = '[\\p{L}\\p{N}_]';

/**
 * The pattern for one exact value:
 * - a value with whitespace also matches with the whitespace removed or changed (a provider echoes
 *   the postcode "SW1A 2AA" as "SW1A2AA", an address with a line break or a double space);
 * - a value of 2 characters (a name like "Li" or "Ng") matches as a whole word only, so that it does
 *   not eat every "Li" inside "Limited"; longer values match anywhere.
 */
function valuePattern(value: string): string {
  const parts = value.split(/\s+/).map(escapeRegExp);
  const body = parts.join('\\s*');
  const compactLength = parts.join('').length;
  return compactLength < 3 ? `(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})` : body;
}

/**
 * A redactor for one tenant or one call: it knows the exact secret values in play. Single characters
 * are ignored (they would redact every word); values of 2 characters are redacted as whole words.
 */
export class Redactor {
  private readonly matcher: RegExp | undefined;
  private readonly values: readonly string[];

  constructor(secrets: Iterable<string | undefined | null> = []) {
    const values = new Set<string>();
    for (const s of secrets) {
      if (typeof s !== 'string') continue;
      const v = s.trim();
      if (v.replace(/\s+/g, '').length >= 2) values.add(v);
    }
    // Longest first so that a value containing another is replaced whole.
    this.values = [...values].sort((a, b) => b.length - a.length);
    this.matcher =
      this.values.length > 0 ? new RegExp(this.values.map(valuePattern).join('|'), 'giu') : undefined;
  }

  /** A redactor that knows this one's secrets and `more`. */
  with(more: Iterable<string | undefined | null>): Redactor {
    return new Redactor([...this.values, ...more]);
  }

  /** `text` with this redactor's exact values, then every personal-data and credential shape, replaced by {@link REDACTED}. */
  redact(text: string): string {
    const exact = this.matcher ? text.replace(this.matcher, REDACTED) : text;
    return redactPatterns(exact);
  }
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
