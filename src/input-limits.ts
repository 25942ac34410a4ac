/**
 * Bounds on caller input, checked before anything else looks at a value (a regex, a redactor, the
 * wire): a 1 MiB name or key is refused in microseconds instead of being matched, copied and sent.
 * docs/field-mapping.md lists each limit with its reason.
 */

/** Longest value of each neutral text field, in UTF-16 code units (JavaScript's `length`). */
export const MAX_LENGTH = {
  /** Neither provider documents one; generous for any real name. */
  name: 100,
  /** Neither provider documents one; generous for any real address line. */
  addressLine: 200,
  city: 100,
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

/** A problem found in a JSON value: where (keys and indexes below the value) and why (never a value). */
export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Why `value` is not JSON within `limits`, or `undefined` when it is. The reason names the rule,
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
          if (v.length > budget.bytes) return tooBig();
          for (let i = 0; i < v.length; i++) {
            path.push(i);
            const problem = spend(1) ?? walk(v[i], depth + 1);
            if (problem) return problem;
            path.pop();
          }
          return spend(2);
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          return 'Must be JSON: strings, finite numbers, booleans, null, arrays and plain objects';
        }
        for (const key of Object.keys(v)) {
          path.push(key);
          if (FORBIDDEN_KEYS.has(key))
            return 'Must not use the keys "__proto__", "constructor" or "prototype"';
          if (key.length > limits.maxKeyLength)
            return `Keys must be at most ${limits.maxKeyLength} characters`;
          if (--budget.keys < 0) return `Must have at most ${limits.maxKeys} keys in all`;
          const problem = spend(key.length + 3) ?? walk((v as Record<string, unknown>)[key], depth + 1);
          if (problem) return problem;
          path.pop();
        }
        return spend(2);
      }
      default:
        return 'Must be JSON: strings, finite numbers, booleans, null, arrays and plain objects';
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
const LONE_SURROGATE = /\p{Cs}/u;
const LETTER = /\p{L}/u;

/** Why `text` is not safe to send as a line of text, or `undefined`. One pass per check, no backtracking. */
export function textProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'Must be well-formed Unicode (no lone surrogates)';
  if (CONTROL.test(text)) return 'Must not contain control characters or line breaks';
  if (FORMAT.test(text)) {
    return 'Must not contain invisible formatting characters (bidi overrides or isolates, zero-width spaces)';
  }
  return undefined;
}

/** Why `name` is not a name, or `undefined`: safe text (see {@link textProblem}) with at least one letter. */
export function nameProblem(name: string): string | undefined {
  return textProblem(name) ?? (LETTER.test(name) ? undefined : 'Must contain at least one letter');
}
