/**
 * Turning zod failures into our errors. Field paths are the neutral ones (`address.postalCode`);
 * messages are zod's or ours, which name the rule and never the value.
 *
 * A path can hold a key the caller chose (an unknown field, a metadata key), so it is bounded like
 * any caller text: control characters escaped, personal-data shapes redacted, cut to
 * {@link MAX_KEY_LENGTH} characters; and an error reports at most {@link MAX_FIELD_ERRORS} paths.
 */
import { z } from 'zod';
import { type ErrorContext, type FieldErrors, InvalidInputError } from './errors.js';
import { FORBIDDEN_KEYS } from './input-limits.js';
import { boundText, REDACTED, redactPatterns } from './redact.js';

/** Longest key shown in a field path; longer ones are cut and end with "…". */
export const MAX_KEY_LENGTH = 64;
/** Most paths one error reports (a body with 100,000 unknown keys is one mistake, not 100,000). */
export const MAX_FIELD_ERRORS = 50;
/** Most paths a message names. */
const MAX_PATHS_NAMED = 10;
/** Longest message kept per field (zod's and ours are far shorter). */
const MAX_MESSAGE_LENGTH = 300;
/** Longest key redacted before it is cut: redaction first, so a cut cannot split a value. */
const MAX_KEY_REDACTED = 4_096;

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** A caller-chosen key made safe to show: escaped, redacted, cut to `MAX_KEY_LENGTH`. */
export function safeKey(key: string): string {
  // Never a path an object would read as its prototype (`fieldErrors.__proto__`).
  if (FORBIDDEN_KEYS.has(key)) return `[${key}]`;
  const escaped = boundText(key, MAX_KEY_REDACTED).replace(
    UNPRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const redacted = redactPatterns(escaped);
  if (redacted.length <= MAX_KEY_LENGTH) return redacted;
  let cut = redacted.slice(0, MAX_KEY_LENGTH);
  // Not half a marker ("[REDA…" reads like a value).
  const open = cut.lastIndexOf('[');
  if (open >= 0 && REDACTED.startsWith(cut.slice(open))) cut = cut.slice(0, open);
  return `${cut}…`;
}

/** Dotted path of a zod issue (`address.postalCode`, `previousPostalCodes.1`), each key made safe. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? String(p) : safeKey(String(p)))).join('.');
}

function boundedMessage(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH)}…`;
}

/** Collects zod issues as neutral field errors, under `prefix` when given, at most `MAX_FIELD_ERRORS` paths. */
export function fieldErrorsFrom(error: z.ZodError, prefix = ''): FieldErrors {
  // A Map: a path such as `constructor` or `toString` must not find Object.prototype's members.
  const fields = new Map<string, string[]>();
  const add = (path: string, message: string) => {
    let list = fields.get(path);
    if (!list) {
      if (fields.size >= MAX_FIELD_ERRORS) return;
      list = [];
      fields.set(path, list);
    }
    list.push(boundedMessage(message));
  };
  for (const issue of error.issues) {
    if (fields.size >= MAX_FIELD_ERRORS) break;
    const path = issuePath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      // Report each unknown key at its own path so callers can see exactly which one.
      for (const key of issue.keys.slice(0, MAX_FIELD_ERRORS)) {
        add([prefix, path, safeKey(key)].filter(Boolean).join('.'), 'Unknown field');
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'Required';
    add([prefix, path].filter(Boolean).join('.') || '(input)', message);
  }
  return Object.fromEntries(fields);
}

/** "a, b, c" naming at most a few paths, then "…". */
export function pathList(paths: readonly string[]): string {
  const named = paths.slice(0, MAX_PATHS_NAMED).join(', ');
  return paths.length > MAX_PATHS_NAMED ? `${named}, …` : named;
}

/**
 * Where `value` (or one of its object fields, `address`) is not plain data, or `undefined`: an own
 * symbol key (zod ignores symbols, so they would be dropped silently; a symbol is never data), or an
 * inherited enumerable field (zod reads a field wherever it comes from: one inherited from a
 * prototype, `Object.create({ providerOptions })` or a polluted `Object.prototype`, would be taken
 * as the caller's and sent). One walk, each field read once. Deeper JSON (`metadata`,
 * `providerOptions`) is checked whole by its own schema.
 */
function notPlainData(value: unknown): { path: string; symbol: boolean } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Object.getOwnPropertySymbols(value).length > 0) return { path: '(input)', symbol: true };
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return { path: safeKey(key), symbol: false };
    const field = (value as Record<string, unknown>)[key];
    if (typeof field !== 'object' || field === null) continue;
    if (Object.getOwnPropertySymbols(field).length > 0) return { path: safeKey(key), symbol: true };
    if (Array.isArray(field)) continue;
    for (const inner in field) {
      if (!Object.hasOwn(field, inner)) return { path: `${safeKey(key)}.${safeKey(inner)}`, symbol: false };
    }
  }
  return undefined;
}

/**
 * Runs `read`, the parse of the caller's `value`, so that nothing but `invalid_input` escapes it: a
 * symbol key or an inherited field in `value` (or in one of its object fields) is refused, and a
 * getter or a proxy trap that throws while the input is read is an `invalid_input` too (never the
 * host's own error, never a `ZodError`). Every parse of caller input goes through it, {@link parseInput} or a provider's own.
 */
export function readingInput<T>(value: unknown, context: ErrorContext & { what?: string }, read: () => T): T {
  const what = context.what ?? 'input';
  try {
    const notPlain = notPlainData(value);
    if (notPlain?.symbol) {
      throw new InvalidInputError(
        `Invalid ${what}: a symbol key (${notPlain.path}); input must be plain data`,
        {
          ...context,
          fieldErrors: { [notPlain.path]: ['Must not have symbol keys'] },
        },
      );
    }
    if (notPlain) {
      throw new InvalidInputError(
        `Invalid ${what}: an inherited field (${notPlain.path}); input must be plain data, its fields its own`,
        { ...context, fieldErrors: { [notPlain.path]: ['Must be the input’s own field, not inherited'] } },
      );
    }
    return read();
  } catch (thrown) {
    if (thrown instanceof InvalidInputError) throw thrown;
    throw new InvalidInputError(
      `Invalid ${what}: it could not be read (a getter or a proxy threw); nothing was sent`,
      { ...context, cause: thrown, fieldErrors: { '(input)': ['Could not be read'] } },
    );
  }
}

/** Parses `value` with `schema` or throws `invalid_input` listing every problem by neutral path (see `readingInput`). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: ErrorContext & { what?: string } = {},
): z.output<S> {
  const what = context.what ?? 'input';
  const result = readingInput(value, context, () => fastSchema(schema).safeParse(value));
  if (result.success) return result.data;
  const fieldErrors = fieldErrorsFrom(result.error);
  const paths = Object.keys(fieldErrors);
  throw new InvalidInputError(
    `Invalid ${what}: ${paths.length} field${paths.length === 1 ? '' : 's'} failed validation (${pathList(paths)})`,
    { ...context, fieldErrors },
  );
}

/** zod's ahead-of-time compiler (`z.compile`, zod 4.6 and later), when the installed zod has it. */
const compileSchema = (z as unknown as { compile?: <S extends z.ZodType>(schema: S) => S }).compile;
const compiled = new WeakMap<z.ZodType, z.ZodType>();

/**
 * `schema` as zod compiles it ahead of time, compiled on first use and kept: the same schema whose
 * parse first runs generated code for the whole shape, and on any failure runs the schema's own
 * parser (so a refusal reads exactly as before: the same issues, messages and paths). A schema the
 * compiler cannot express (a cycle), a zod without `z.compile`, or a runtime that refuses generated
 * code (a strict CSP) gets the schema itself. Measured: 2–6× faster parses of input and answers
 * (docs/performance.md).
 */
export function fastSchema<S extends z.ZodType>(schema: S): S {
  let fast = compiled.get(schema);
  if (fast === undefined) {
    try {
      fast = compileSchema ? compileSchema(schema) : schema;
    } catch {
      fast = schema;
    }
    compiled.set(schema, fast);
  }
  return fast as S;
}
