/**
 * Argyle's 400 body: a map of field → messages (`{"email": ["Enter a valid email address."]}`,
 * https://docs.argyle.com/api-reference/users#create),
 * nested for nested objects, in the wording of the Django REST framework Argyle's errors come from.
 */
import type { z } from 'zod';

export interface FieldErrors {
  [field: string]: string[] | FieldErrors;
}

/** DRF's key for errors about the body as a whole. */
const NON_FIELD = 'non_field_errors';

/**
 * A map without a prototype: its keys come from the request (`{"__proto__": …}` is an unknown field
 * like any other), so reading or writing one must never reach `Object.prototype`.
 */
export function emptyFieldErrors(): FieldErrors {
  return Object.create(null) as FieldErrors;
}

export function toFieldErrors(error: z.ZodError, input: unknown): FieldErrors {
  const errors = emptyFieldErrors();
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // The documents list every accepted field; anything else is refused, not silently dropped.
      for (const key of issue.keys) add(errors, [...path, key], 'Unknown field.');
    } else if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
      const expected = issue.code === 'invalid_type' ? issue.expected : 'json';
      add(errors, path, typeMessage(expected, valueAt(input, issue.path)));
    } else {
      add(errors, path, issue.message);
    }
  }
  return errors;
}

function typeMessage(expected: string, value: unknown): string {
  if (value === undefined) return 'This field is required.';
  if (value === null) return 'This field may not be null.';
  switch (expected) {
    case 'string':
      return 'Not a valid string.';
    case 'number':
    case 'int':
      return 'A valid integer is required.';
    case 'boolean':
      return 'Must be a valid boolean.';
    case 'array':
      return `Expected a list of items but got type "${pythonType(value)}".`;
    case 'object':
    case 'record':
      return `Expected a dictionary of items but got type "${pythonType(value)}".`;
    default:
      return 'Invalid value.';
  }
}

/** The Python type name DRF would print for a parsed JSON value. */
function pythonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function add(errors: FieldErrors, path: readonly string[], message: string): void {
  const keys = path.length === 0 ? [NON_FIELD] : path;
  let node = errors;
  for (const key of keys.slice(0, -1)) {
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (Array.isArray(child)) return void child.push(message);
    if (!child) node[key] = emptyFieldErrors();
    node = node[key] as FieldErrors;
  }
  const leaf = keys[keys.length - 1] ?? NON_FIELD;
  const existing = Object.hasOwn(node, leaf) ? node[leaf] : undefined;
  if (Array.isArray(existing)) existing.push(message);
  else if (existing) add(existing, [NON_FIELD], message);
  else node[leaf] = [message];
}
