/**
 * Parsing a call's neutral input together with its `providerOptions.teal`, so that one
 * `invalid_input` lists every problem by neutral path.
 */
import type { z } from 'zod';
import type { AdapterContext } from '../../src/adapter.js';
import { type FieldErrors, InvalidInputError } from '../../src/errors.js';
import { fieldErrorsFrom, pathList, readingInput } from '../../src/validation.js';

/**
 * `providerOptions.teal` as given. Read from the raw input so that its problems are reported even
 * when the rest is invalid too. Other providers' namespaces are not ours to judge and are left
 * alone: a tenant can move between providers without its callers changing their calls.
 */
function tealNamespace(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return undefined;
  const namespaces = (input as { providerOptions?: unknown }).providerOptions;
  if (typeof namespaces !== 'object' || namespaces === null) return undefined;
  return (namespaces as { teal?: unknown }).teal;
}

export function parseWithTealOptions<I, O>(
  input: unknown,
  inputSchema: z.ZodType<I>,
  optionsSchema: z.ZodType<O>,
  context: AdapterContext,
): { input: I; options: O | undefined } {
  // Through readingInput: a symbol key, or a getter or proxy that throws, is `invalid_input`.
  const { parsed, options } = readingInput(input, context, () => {
    const raw = tealNamespace(input);
    return {
      parsed: inputSchema.safeParse(input),
      options: raw === undefined ? undefined : optionsSchema.safeParse(raw),
    };
  });
  if (parsed.success && (options === undefined || options.success)) {
    return { input: parsed.data, options: options?.data };
  }
  const fieldErrors: FieldErrors = {
    ...(parsed.success ? {} : fieldErrorsFrom(parsed.error)),
    ...(options && !options.success ? fieldErrorsFrom(options.error, 'providerOptions.teal') : {}),
  };
  // Where both report the same path (providerOptions.teal not an object), ours is the more precise.
  const paths = Object.keys(fieldErrors);
  throw new InvalidInputError(
    `Invalid input: ${paths.length} field${paths.length === 1 ? '' : 's'} failed validation (${pathList(paths)})`,
    fieldErrors,
    context,
  );
}
