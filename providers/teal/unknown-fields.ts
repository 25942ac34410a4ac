/**
 * Fields Teal answers with that its `User` / `CreatedUser` schemas do not document (e.g.
 * `hmrc_enabled`): kept under `providerData.unknownFields`, in Teal's own spelling, rather than
 * dropped silently (docs/providers/teal.md, "Unknown response fields").
 *
 * Reading them never fails a user: a field that is too big, too deep, oddly named or not plain JSON
 * is left out, and at most {@link MAX_UNKNOWN_FIELDS} are kept.
 */

import { FORBIDDEN_KEYS, type JsonLimits, type JsonValue, jsonProblem } from '../../src/provider/index.js';
import { TEAL_USER_KEYS } from './wire.js';

/** The keys `CreatedUser` documents: `User`'s plus the two Teal sets. Everything else is unknown. */
const KNOWN_KEYS: ReadonlySet<string> = new Set<string>([...TEAL_USER_KEYS, 'user_id', 'created_at']);

/** At most this many unknown fields are kept per user (the first ones, in the answer's order). */
export const MAX_UNKNOWN_FIELDS = 32;

/** Bounds of one unknown field's value: a flag or a small object fits, a blob does not. */
export const UNKNOWN_FIELD_LIMITS: JsonLimits = {
  maxBytes: 2_048,
  maxKeys: 64,
  maxDepth: 4,
  maxKeyLength: 64,
};

/**
 * A field name worth keeping: letters, digits, `_`, `-` and `.`, at most 64 characters. The length
 * is checked before the pattern, which has no nested quantifier (linear).
 */
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const MAX_NAME_LENGTH = 64;

/**
 * The undocumented fields of a Teal user, as sent, or `undefined` when there are none to keep.
 * `wire` is the parsed answer (its unknown keys pass through the loose schema untouched).
 */
export function unknownTealFields(
  wire: Readonly<Record<string, unknown>>,
): Record<string, JsonValue> | undefined {
  const kept: Record<string, JsonValue> = {};
  let count = 0;
  for (const key of Object.keys(wire)) {
    if (count >= MAX_UNKNOWN_FIELDS) break;
    if (KNOWN_KEYS.has(key) || key.length > MAX_NAME_LENGTH || !NAME_RE.test(key)) continue;
    // `constructor` / `prototype` would shadow what code expects of a plain object.
    if (FORBIDDEN_KEYS.has(key)) continue;
    const value = wire[key];
    // jsonProblem also refuses `__proto__`-like keys, non-plain objects and non-finite numbers below.
    if (value === undefined || jsonProblem(value, UNKNOWN_FIELD_LIMITS) !== undefined) continue;
    kept[key] = value as JsonValue;
    count++;
  }
  return count > 0 ? kept : undefined;
}
