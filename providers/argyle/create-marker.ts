/**
 * The create marker: how a reconciled Argyle v2 create proves that the user found is the one THIS
 * call created. `external_id` is not unique at Argyle, and two calls with the same input send the
 * same body, so nothing else tells their users apart. Each create that may be reconciled (one with
 * an `externalId`) sends a fresh random nonce in `external_metadata`, which Argyle documents as free
 * JSON, under one reserved key:
 *
 *   "external_metadata": { ...the caller's metadata, "payroll_identity": { "create_nonce": "<uuid>" } }
 *
 * Only the user holding this call's nonce can be this call's user. The key is reserved on both
 * Argyle API versions (they serve one account's users): refused in input, and removed from every
 * user read back, so callers never see it (docs/providers/argyle.md, "Reconciliation marker").
 */
import { randomUUID } from 'node:crypto';
import { type ErrorContext, InvalidInputError, type JsonValue } from '../../src/provider/index.js';

/** The reserved top-level key of `external_metadata`. */
export const MARKER_KEY = 'payroll_identity';
/** The field of the marker that holds the creating call's nonce. */
export const NONCE_FIELD = 'create_nonce';

type JsonObject = { [key: string]: JsonValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A fresh nonce for one create call (122 random bits: no two calls share one). */
export function newCreateNonce(): string {
  return randomUUID();
}

/** Refuses caller metadata that uses the reserved key (it would be stripped when read back, or forge a marker). */
export function refuseReservedMetadata(
  metadata: unknown,
  context: ErrorContext & { provider: string; operation: string },
): void {
  if (!isObject(metadata) || !Object.hasOwn(metadata, MARKER_KEY)) return;
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: metadata key "${MARKER_KEY}" is reserved by payroll-identity`,
    {
      ...context,
      fieldErrors: {
        [`metadata.${MARKER_KEY}`]: ['Reserved: payroll-identity marks the creating call here'],
      },
    },
  );
}

/**
 * The caller's metadata with this call's marker added. The neutral input only accepts an object as
 * metadata, so the marker can always be added (a non-object could not carry it).
 */
export function withCreateNonce(metadata: JsonObject | undefined, nonce: string): JsonObject {
  // Not a spread followed by a key (a slow path in Node 20's V8). Input metadata never holds a
  // `__proto__` key (refused with the input), so assigning its keys cannot change a prototype.
  return Object.assign({}, metadata, { [MARKER_KEY]: { [NONCE_FIELD]: nonce } });
}

/** The nonce a stored user's metadata carries, if it carries a well-formed marker. */
export function nonceOf(metadata: unknown): string | undefined {
  if (!isObject(metadata)) return undefined;
  const marker = metadata[MARKER_KEY];
  if (!isObject(marker)) return undefined;
  const nonce = marker[NONCE_FIELD];
  return typeof nonce === 'string' && nonce !== '' ? nonce : undefined;
}

/**
 * Metadata as the caller may see it: the reserved key removed, whatever it holds. Metadata that held
 * nothing but the marker was not the caller's: it reads as absent.
 */
export function stripMarker(metadata: JsonValue): JsonValue | undefined {
  if (!isObject(metadata) || !Object.hasOwn(metadata, MARKER_KEY)) return metadata;
  // The marker alone (every create that carries one and no metadata of the caller's): nothing to copy.
  const keys = Object.keys(metadata);
  if (keys.length === 1 && keys[0] === MARKER_KEY) return undefined;
  const { [MARKER_KEY]: _marker, ...rest } = metadata;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
