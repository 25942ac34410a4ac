/**
 * Bounds on caller input, checked before anything else looks at a value (a regex, a redactor, the
 * wire): a 1 MiB name or key is refused in microseconds instead of being matched, copied and sent.
 * docs/field-mapping.md lists each limit with its reason.
 */
import { types } from 'node:util';

const { isProxy } = types;

/** Longest value of each neutral text field, in characters as zod's `.max()` counts them (code points). */
export const MAX_LENGTH = {
  /** Neither provider documents one; generous for any real name. */
  name: 100,
  /** Neither provider documents one; generous for any real address line. */
  addressLine: 200,
  /** Neither provider documents one; generous for any real city name. */
  city: 100,
  /** Neither provider documents one; generous for any real state, county or region name. */
  state: 100,
  /** The longest postal codes in use are 10 characters (e.g. a US ZIP+4, `12345-6789`). */
  postalCode: 16,
  /** RFC 5321: a forward path is at most 256 octets, the address at most 254 characters. */
  email: 254,
  /** E.164: `+` and at most 15 digits. */
  phone: 16,
  /** Argyle: "Any string. Maximum 100 characters." */
  externalId: 100,
  /** A provider user id (Argyle's are UUIDs; Teal's are shorter). */
  userId: 200,
  /** `YYYY-MM-DD`. */
  date: 10,
  /** An SSN with dashes and some surrounding spaces. */
  ssn: 16,
  /** An NI number with spaces. */
  niNumber: 16,
  /** A listing's resume cursor (ours: the tenant, the provider and the provider's own cursor). */
  cursor: 4096,
} as const;

/** At most this many previous postal codes (Teal's `post_codes`, with the current one). */
export const MAX_PREVIOUS_POSTAL_CODES = 20;

/** Bounds of a free-form JSON value (`metadata`, `providerOptions`). */
export interface JsonLimits {
  /** Serialised size in UTF-8 bytes (approximate from above: quotes and separators counted). */
  maxBytes: number;
  /** Object keys in all, at every depth. */
  maxKeys: number;
  /** Nesting depth: 1 is a flat object. */
  maxDepth: number;
  /** Longest key. */
  maxKeyLength: number;
}

/** `metadata` (Argyle's `external_metadata`, "any valid JSON"): no documented limit, so a generous one. */
export const METADATA_LIMITS: JsonLimits = {
  maxBytes: 65_536,
  maxKeys: 1_000,
  maxDepth: 10,
  maxKeyLength: 128,
};
/** `providerOptions`: a handful of settings per provider. */
export const PROVIDER_OPTIONS_LIMITS: JsonLimits = {
  maxBytes: 16_384,
  maxKeys: 200,
  maxDepth: 6,
  maxKeyLength: 64,
};

/**
 * Keys that reach an object's prototype when assigned (`target[key] = …`): never a legitimate field,
 * and refused anywhere in input.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const NOT_PLAIN = 'Must be JSON: strings, finite numbers, booleans, null, arrays and plain objects';

/** A problem found in a JSON value: where (keys and indexes below the value) and why (never a value). */
export interface JsonProblem {
  /** Keys and indexes from the value down to the problem (empty for the value itself). */
  path: (string | number)[];
  /** Which rule is broken, never a key or a value. */
  message: string;
}

/**
 * Why `value` is not JSON within `limits`, or `undefined` when it is: plain objects (no proxies,
 * symbol keys, getters or non-enumerable properties, which serialising would drop or call again),
 * arrays without holes, strings, finite numbers, booleans and null. The reason names the rule,
 * never a key or a value (the path may hold keys: the caller shows them bounded). Stops at the first
 * problem: a huge value is not walked to its end.
 */
export function jsonProblem(value: unknown, limits: JsonLimits): JsonProblem | undefined {
  const budget = { bytes: limits.maxBytes, keys: limits.maxKeys };
  const path: (string | number)[] = [];
  const walk = (v: unknown, depth: number): string | undefined => {
    if (v === null) return spend(4);
    switch (typeof v) {
      case 'boolean':
        return spend(5);
      case 'number':
        return Number.isFinite(v) ? spend(24) : 'Must be JSON: numbers must be finite';
      case 'string':
        // Cheap bound first: a string longer than the budget in code units is too long in bytes.
        return v.length > budget.bytes ? tooBig() : spend(Buffer.byteLength(v) + 2);
      case 'object': {
        if (depth >= limits.maxDepth) return `Must be at most ${limits.maxDepth} levels deep`;
        if (Array.isArray(v)) {
          if (isProxy(v)) return NOT_PLAIN;
          if (v.length > budget.bytes) return tooBig();
          for (let i = 0; i < v.length; i++) {
            path.push(i);
            const own = Object.getOwnPropertyDescriptor(v, i);
            // A hole or a getter: not data (a hole would be sent as null).
            if (!own || !('value' in own)) return NOT_PLAIN;
            const problem = spend(1) ?? walk(own.value, depth + 1);
            if (problem) return problem;
            path.pop();
          }
          return spend(2);
        }
        if (isProxy(v)) return NOT_PLAIN;
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
        // Every own key, not only the enumerable string ones: a symbol key, a hidden property or a
        // getter would be dropped, or read again, when the body is serialised.
        for (const key of Reflect.ownKeys(v)) {
          if (typeof key === 'symbol') return 'Must be JSON: keys must be strings (not symbols)';
          path.push(key);
          if (FORBIDDEN_KEYS.has(key))
            return 'Must not use the keys "__proto__", "constructor" or "prototype"';
          if (key.length > limits.maxKeyLength)
            return `Keys must be at most ${limits.maxKeyLength} characters`;
          if (--budget.keys < 0) return `Must have at most ${limits.maxKeys} keys in all`;
          const own = Object.getOwnPropertyDescriptor(v, key);
          if (!own?.enumerable || !('value' in own)) {
            return 'Must be JSON: plain data properties only (no getters or hidden properties)';
          }
          const problem = spend(key.length + 3) ?? walk(own.value, depth + 1);
          if (problem) return problem;
          path.pop();
        }
        return spend(2);
      }
      default:
        return NOT_PLAIN;
    }
  };
  const tooBig = () => `Must be at most ${limits.maxBytes} bytes as JSON`;
  const spend = (bytes: number): string | undefined => {
    budget.bytes -= bytes;
    return budget.bytes < 0 ? tooBig() : undefined;
  };
  const message = walk(value, 0);
  return message === undefined ? undefined : { path, message };
}

const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
/** Invisible format characters (bidi overrides and isolates, zero-width spaces, BOM), except ZWNJ/ZWJ which some scripts need. */
const FORMAT = /(?![\u200C\u200D])\p{Cf}/u;
/**
 * Characters that render as nothing (Unicode's Default_Ignorable_Code_Point: the Hangul fillers
 * U+115F, U+1160, U+3164 and U+FFA0, which are letters to `\p{L}`, the soft hyphen, the combining
 * grapheme joiner, variation selectors, tags), again except ZWNJ/ZWJ.
 */
const IGNORABLE = /(?![\u200C\u200D])\p{Default_Ignorable_Code_Point}/u;
/**
 * Characters that stand for no text: noncharacters (U+FFFF, U+FDD0…), private use, the object
 * replacement character and the replacement character (U+FFFD: what a broken decoding leaves).
 */
const NOT_TEXT = /[\p{Noncharacter_Code_Point}\p{Co}\uFFFC\uFFFD]/u;
const LONE_SURROGATE = /\p{Cs}/u;
/** A character that shows: a letter, digit, punctuation or symbol, not the blank Braille pattern U+2800. */
const VISIBLE = /(?!\u2800)[\p{L}\p{N}\p{P}\p{S}]/u;
/** A letter that shows (the invisible letters, the Hangul fillers, are refused before this is asked). */
const LETTER = /\p{L}/u;
/**
 * More combining marks in a row than any writing system stacks on one letter (Vietnamese uses two,
 * pointed Hebrew or Indic scripts a few): "Zalgo" text. Bounded: at most 9 characters per position.
 */
const MARK_PILE = /\p{M}{9}/u;
const LEADING_MARK = /^\p{M}/u;
/** Whitespace other than the plain space (NBSP, U+3000, tabs…). */
const OTHER_SPACE = /[^\S ]/u;

/**
 * Why `text` is not safe to send as a line of text, or `undefined`. One pass per check, no
 * backtracking. Text must also show something: not only marks, joiners or blanks.
 */
export function textProblem(text: string): string | undefined {
  return hiddenProblem(text) ?? (VISIBLE.test(text) ? undefined : 'Must contain a visible character');
}

/**
 * Printable ASCII only: none of the characters {@link hiddenProblem} looks for (controls, format
 * and ignorable characters, noncharacters, private use, combining marks, other spaces) is among
 * them, so one test answers for the seven that follow (most names and ids are ASCII).
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Why `text` holds characters that hide, forge or stand for nothing, or `undefined`. */
function hiddenProblem(text: string): string | undefined {
  if (PRINTABLE_ASCII.test(text)) return undefined;
  if (LONE_SURROGATE.test(text)) return 'Must be well-formed Unicode (no lone surrogates)';
  if (CONTROL.test(text)) return 'Must not contain control characters or line breaks';
  if (FORMAT.test(text) || IGNORABLE.test(text)) {
    return 'Must not contain invisible characters (bidi overrides or isolates, zero-width spaces, fillers)';
  }
  if (NOT_TEXT.test(text)) {
    return 'Must not contain noncharacters, private-use characters or replacement characters';
  }
  if (LEADING_MARK.test(text) || MARK_PILE.test(text)) {
    return 'Must not start with a combining mark or stack more than 8 of them';
  }
  return undefined;
}

/** Why `name` is not a name, or `undefined`: safe text (see {@link textProblem}) with at least one letter. */
export function nameProblem(name: string): string | undefined {
  return hiddenProblem(name) ?? (LETTER.test(name) ? undefined : 'Must contain at least one letter');
}

/**
 * Why `id` is not an external id, or `undefined`. It is the host's own opaque key, sent and matched
 * as given (never trimmed): visible characters and plain spaces, at least one visible (see
 * {@link textProblem}), and no whitespace other than the plain space (a no-break or ideographic
 * space makes two ids that look the same in every log and never match).
 */
export function externalIdProblem(id: string): string | undefined {
  const problem = textProblem(id);
  if (problem) return problem;
  if (PRINTABLE_ASCII.test(id)) return undefined;
  return OTHER_SPACE.test(id) ? 'Must not contain whitespace other than the plain space' : undefined;
}
