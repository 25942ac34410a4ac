/**
 * Helpers every adapter uses, so that input validation, the `unsupportedFields` policy, required
 * fields and id checks behave the same for every provider.
 */
import {
  type ErrorContext,
  type FieldErrors,
  InvalidInputError,
  type Operation,
  UnsupportedOperationError,
} from './errors.js';
import type { UnsupportedFieldsPolicy } from './provider/definition.js';
import { stringLeaves } from './redact.js';
import { UserIdSchema } from './user.js';
import { parseInput } from './validation.js';

/** Who is failing where: carried by every error an adapter throws. */
export interface AdapterContext {
  /** The provider's name. */
  provider: string;
  /** The tenant id. */
  tenant: string;
  /** The operation being performed. */
  operation: Operation;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What {@link selectFields} returns. */
export interface FieldSelection<T> {
  /** The fields to send, as given. */
  fields: Partial<T>;
  /** Neutral paths of the fields dropped (`address.line1`, `email`). */
  ignored: string[];
}

/**
 * Splits an input into what the provider stores and what it cannot. `isSupported(path, value)` is
 * asked for each top-level field and, for an object field it rejects whole, for each of its own
 * fields (`address.postalCode`). Under `reject`, any unsupported field is an `invalid_input` naming
 * them all; under `drop`, they are returned in `ignored`. `providerOptions` is never a profile field.
 */
export function selectFields<T extends Record<string, unknown>>(
  input: T,
  isSupported: (path: string, value: unknown) => boolean,
  policy: UnsupportedFieldsPolicy,
  context: AdapterContext,
): FieldSelection<T> {
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'providerOptions') continue;
    if (isSupported(key, value)) {
      fields[key] = value;
      continue;
    }
    if (isPlainObject(value)) {
      const kept: Record<string, unknown> = {};
      for (const [sub, subValue] of Object.entries(value)) {
        if (subValue === undefined) continue;
        if (isSupported(`${key}.${sub}`, subValue)) kept[sub] = subValue;
        else ignored.push(`${key}.${sub}`);
      }
      if (Object.keys(kept).length > 0) fields[key] = kept;
      continue;
    }
    ignored.push(key);
  }
  enforceUnsupportedPolicy(ignored, policy, context);
  return { fields: fields as Partial<T>, ignored };
}

/**
 * The `unsupportedFields` policy once the unsupported paths are known: under `reject`, an
 * `invalid_input` naming them all; under `drop`, nothing (the caller reports them in `ignoredFields`).
 */
export function enforceUnsupportedPolicy(
  ignored: readonly string[],
  policy: UnsupportedFieldsPolicy,
  context: AdapterContext,
): void {
  if (policy !== 'reject' || ignored.length === 0) return;
  const fieldErrors: FieldErrors = {};
  for (const path of ignored) fieldErrors[path] = [`${context.provider} cannot store this field`];
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: fields this provider cannot store (${ignored.join(', ')}); the tenant's unsupportedFields policy is "reject"`,
    fieldErrors,
    context,
  );
}

/** Throws `invalid_input` naming every neutral path in `missing`, before any request is sent. */
export function requireFields(missing: readonly string[], context: AdapterContext): void {
  if (missing.length === 0) return;
  const fieldErrors: FieldErrors = {};
  for (const path of missing) fieldErrors[path] = [`Required by ${context.provider}`];
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: missing required field${missing.length === 1 ? '' : 's'} (${missing.join(', ')})`,
    fieldErrors,
    context,
  );
}

/** Validates a user id before it is put in a path. */
export function checkUserId(userId: unknown, context: AdapterContext): string {
  return parseInput(UserIdSchema, userId, { ...context, what: 'user id' });
}

/** The `unsupported_operation` error for an operation the provider lacks; `why` says why, for the message. */
export function unsupportedOperation(context: AdapterContext, why: string): UnsupportedOperationError {
  return new UnsupportedOperationError(
    `${context.provider} ${context.operation} is not supported: ${why}`,
    context,
  );
}

/**
 * The string values an input carries, for redacting any provider text that might echo them. A
 * national id's `type` (`ssn`, `ni_number`) is a tag, not a value: redacting it would blank the
 * word "ssn" in every message about the field.
 */
export function sensitiveValues(input: unknown): string[] {
  if (!isPlainObject(input)) return stringLeaves(input);
  const out: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    stringLeaves(key === 'nationalId' && isPlainObject(value) ? value.value : value, out);
  }
  return out;
}

/** Builds an error context; spread into errors thrown by adapters. */
export function adapterContext(
  provider: string,
  tenant: string,
  operation: Operation,
): ErrorContext & AdapterContext {
  return { provider, tenant, operation };
}
