/**
 * The field rules every provider shares, driven by its declaration: parsing a call's input with the
 * provider's options namespace, the `unsupportedFields` policy, refused clears and required fields.
 */
import type { z } from 'zod';
import { type FieldErrors, InvalidInputError } from '../errors.js';
import type { ProfileField } from '../user.js';
import { fastSchema, fieldErrorsFrom, pathList, readingInput } from '../validation.js';
import type { OperationContext, RequiredField, StoredFields } from './declaration.js';
import type { UnsupportedFieldsPolicy } from './definition.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `providerOptions[name]` as given, read from the raw input. */
function namespaceOf(input: unknown, name: string): unknown {
  if (!isPlainObject(input)) return undefined;
  const namespaces = input.providerOptions;
  return isPlainObject(namespaces) ? namespaces[name] : undefined;
}

/**
 * Parses a call's neutral input together with `providerOptions.<provider>`, so that one
 * `invalid_input` lists every problem by neutral path. Other providers' namespaces are not ours to
 * judge and are left alone: a tenant can move between providers without its callers changing calls.
 */
export function parseWithOptions<I>(
  raw: unknown,
  inputSchema: z.ZodType<I>,
  optionsSchema: z.ZodType | undefined,
  context: OperationContext,
): {
  /** The parsed neutral input. */
  input: I;
  /** The parsed `providerOptions.<provider>`; `undefined` when not given or without an options schema. */
  options: unknown;
} {
  // Through readingInput: a symbol key, or a getter or proxy that throws, is `invalid_input`.
  const { parsed, options } = readingInput(raw, context, () => {
    const given = optionsSchema ? namespaceOf(raw, context.provider) : undefined;
    return {
      parsed: fastSchema(inputSchema).safeParse(raw),
      options: given === undefined || !optionsSchema ? undefined : fastSchema(optionsSchema).safeParse(given),
    };
  });
  if (parsed.success && (options === undefined || options.success)) {
    return { input: parsed.data, options: options?.data };
  }
  const fieldErrors: FieldErrors = {
    ...(parsed.success ? {} : fieldErrorsFrom(parsed.error)),
    // Where both report the same path (the namespace not an object), ours is the more precise.
    ...(options && !options.success
      ? fieldErrorsFrom(options.error, `providerOptions.${context.provider}`)
      : {}),
  };
  const paths = Object.keys(fieldErrors);
  throw new InvalidInputError(
    `Invalid input: ${paths.length} field${paths.length === 1 ? '' : 's'} failed validation (${pathList(paths)})`,
    { ...context, fieldErrors },
  );
}

/** What {@link selectStored} returns. */
export interface FieldSelection {
  /** The fields to send, as given (an object field cut down to its stored sub-fields). */
  fields: Record<string, unknown>;
  /** Neutral paths of the fields the provider cannot store (`address.line1`, `email`). */
  ignored: string[];
}

/** Whether `key` is an own enumerable field of `target` (what validated plain data carries). */
const enumerableOwn = Object.prototype.propertyIsEnumerable;
function isOwnField(target: object, key: string): boolean {
  return enumerableOwn.call(target, key);
}

/**
 * Splits an input into what the provider stores and what it cannot, by its declared fields. `null`
 * (a clear) of a stored field is kept; of a field the provider cannot store, reported (there is
 * nothing there to clear). An address the provider cannot store is reported by its parts
 * (`address.city`), other fields whole. `providerOptions` is never a profile field.
 */
export function selectStored(input: Record<string, unknown>, stored: StoredFields): FieldSelection {
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  const keys = Object.keys(input);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = input[key];
    if (value === undefined || key === 'providerOptions') continue;
    // The declaration's own entries only: `hasOwnProperty` or `constructor` is no declared field.
    const support: unknown = isOwnField(stored, key) ? stored[key as ProfileField] : undefined;
    if (support === undefined) {
      // An address is named by its parts (`address.city`); free-form and tagged values whole.
      if (key === 'address' && isPlainObject(value)) {
        for (const [sub, subValue] of Object.entries(value))
          if (subValue !== undefined) ignored.push(`${key}.${sub}`);
      } else ignored.push(key);
    } else if (value === null || support === true) {
      fields[key] = value;
    } else if (typeof support === 'function') {
      if ((support as (v: unknown) => boolean)(value)) fields[key] = value;
      else ignored.push(key);
    } else if (Array.isArray(support) && isPlainObject(value)) {
      const kept: Record<string, unknown> = {};
      for (const [sub, subValue] of Object.entries(value)) {
        if (subValue === undefined) continue;
        if (support.includes(sub)) kept[sub] = subValue;
        else ignored.push(`${key}.${sub}`);
      }
      if (Object.keys(kept).length > 0) fields[key] = kept;
    } else {
      ignored.push(key);
    }
  }
  return { fields, ignored };
}

/**
 * The `unsupportedFields` policy once the unsupported paths are known: under `reject`, an
 * `invalid_input` naming them all; under `drop`, nothing (the caller reports them in `ignoredFields`).
 */
export function enforceUnsupportedPolicy(
  ignored: readonly string[],
  policy: UnsupportedFieldsPolicy,
  context: OperationContext,
): void {
  if (policy !== 'reject' || ignored.length === 0) return;
  const fieldErrors: FieldErrors = {};
  for (const path of ignored) fieldErrors[path] = [`${context.provider} cannot store this field`];
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: fields this provider cannot store (${ignored.join(', ')}); the tenant's unsupportedFields policy is "reject"`,
    { ...context, fieldErrors },
  );
}

/**
 * A provider that documents no way to clear a field: a `null` for a field it stores is refused
 * rather than guessed at. (A `null` for a field it cannot hold anyway is left to the policy.)
 */
export function refuseClears(
  patch: Record<string, unknown>,
  stored: StoredFields,
  context: OperationContext,
): void {
  const paths = Object.keys(patch).filter(
    (key) => patch[key] === null && stored[key as ProfileField] !== undefined,
  );
  if (paths.length === 0) return;
  const fieldErrors: FieldErrors = {};
  for (const path of paths) {
    fieldErrors[path] = [
      `${context.provider} documents no way to clear a field; leave it out to keep its value`,
    ];
  }
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: cannot clear ${paths.join(', ')} (${context.provider} documents no way to clear a field)`,
    { ...context, fieldErrors },
  );
}

/**
 * The value at a neutral `path` of the input, where `providerOptions.<provider>` is the call's
 * parsed (and defaulted) provider options and another provider's namespace holds nothing. Only own
 * enumerable fields count at every step (what validation passes on): an inherited value, or a
 * path named after an `Object.prototype` member, is absent.
 */
function valueAt(input: Record<string, unknown>, options: unknown, provider: string, path: string): unknown {
  const parts = path.split('.');
  let value: unknown = input;
  let from = 0;
  if (parts[0] === 'providerOptions') {
    if (parts.length === 1) return { [provider]: options };
    if (parts[1] !== provider) return undefined;
    value = options;
    from = 2;
  }
  for (let i = from; i < parts.length; i++) {
    const part = parts[i]!;
    if (!isPlainObject(value) || !isOwnField(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** Throws `invalid_input` naming every neutral path in `missing`, before any request is sent. */
export function requireFields(missing: readonly string[], context: OperationContext): void {
  if (missing.length === 0) return;
  const fieldErrors: FieldErrors = {};
  for (const path of missing) fieldErrors[path] = [`Required by ${context.provider}`];
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: missing required field${missing.length === 1 ? '' : 's'} (${missing.join(', ')})`,
    { ...context, fieldErrors },
  );
}

/**
 * Checks the declared required fields against the input, the provider's merged options standing at
 * `providerOptions.<provider>`. A list of paths is satisfied by any one of them; the first names it.
 * Meant for validated input (plain data): only own enumerable fields count as present.
 */
export function checkRequired(
  required: readonly RequiredField[],
  input: Record<string, unknown>,
  options: unknown,
  context: OperationContext,
): void {
  const has = (path: string) => present(valueAt(input, options, context.provider, path));
  const missing: string[] = [];
  for (const rule of required) {
    if (typeof rule === 'string' ? !has(rule) : !rule.some(has)) {
      missing.push(typeof rule === 'string' ? rule : (rule[0] ?? '(unnamed)'));
    }
  }
  requireFields(missing, context);
}

/** The first path of each required rule: what `capabilities.requiredOnCreate` shows. */
export function requiredPaths(required: readonly RequiredField[] | undefined): string[] {
  return (required ?? []).map((rule) => (typeof rule === 'string' ? rule : (rule[0] ?? '(unnamed)')));
}
