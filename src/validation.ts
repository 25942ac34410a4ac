/**
 * Turning zod failures into our errors. Field paths are the neutral ones (`address.postalCode`);
 * messages are zod's or ours, which name the rule and never the value.
 */
import type { z } from 'zod';
import { type ErrorContext, type FieldErrors, InvalidInputError } from './errors.js';

/** Dotted path of a zod issue (`address.postalCode`, `previousPostalCodes.1`). */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** Collects zod issues as neutral field errors, under `prefix` when given. */
export function fieldErrorsFrom(error: z.ZodError, prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    let path = issuePath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // Report each unknown key at its own path so callers can see exactly which one.
      for (const key of issue.keys) {
        const keyPath = [prefix, path, key].filter(Boolean).join('.');
        fields[keyPath] = [...(fields[keyPath] ?? []), 'Unknown field'];
      }
      continue;
    }
    path = [prefix, path].filter(Boolean).join('.') || '(input)';
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'Required';
    fields[path] = [...(fields[path] ?? []), message];
  }
  return fields;
}

/** Parses `value` with `schema` or throws `invalid_input` listing every problem by neutral path. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: ErrorContext & { what?: string } = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fieldErrors = fieldErrorsFrom(result.error);
  const paths = Object.keys(fieldErrors);
  throw new InvalidInputError(
    `Invalid ${context.what ?? 'input'}: ${paths.length} field${paths.length === 1 ? '' : 's'} failed validation (${paths.join(', ')})`,
    fieldErrors,
    context,
  );
}
