/**
 * Which neutral fields reach Argyle: the `unsupportedFields` policy (via the core's `selectFields`),
 * the refusal of `null` on update, and `providerOptions.argyle` merged over the tenant's defaults.
 */
import { type AdapterContext, selectFields } from '../../src/adapter.js';
import { type FieldErrors, InvalidInputError } from '../../src/errors.js';
import type { UnsupportedFieldsPolicy } from '../../src/provider/definition.js';
import type { ProfileField } from '../../src/user.js';
import { fieldErrorsFrom, pathList } from '../../src/validation.js';
import { type ArgyleProviderOptions, ArgyleProviderOptionsSchema } from './config.js';

/** Neutral fields each API version stores (create and update alike). */
export const V2_FIELDS: readonly ProfileField[] = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'birthDate',
  'address',
  'nationalId',
  'externalId',
  'metadata',
];
export const V1_FIELDS: readonly ProfileField[] = ['metadata'];

/** Where the v1 API has no room for the open-banking options. */
export const OPEN_BANKING_PATH = 'providerOptions.argyle.openBanking';

/** Stands in for a value Argyle cannot hold, so that `selectFields` names it whole. */
const CANNOT_HOLD = Symbol('argyle cannot hold this value');

export interface Selection {
  fields: Record<string, unknown>;
  ignored: string[];
}

/**
 * Splits an input into what Argyle stores and what it cannot, under the tenant's policy.
 *
 * Two values are unsupported although their field is: an NI number (Argyle holds only an `ssn`)
 * and, on v1, the open-banking options. `selectFields` would describe an object it rejects by its
 * sub-fields (`nationalId.type`, `nationalId.value`), so such a value is swapped for a marker that
 * it reports whole (`nationalId`) — and the `reject` policy then names it like any other field.
 */
export function selectArgyleFields(
  input: Record<string, unknown>,
  supported: readonly string[],
  policy: UnsupportedFieldsPolicy,
  context: AdapterContext,
  extraUnsupported: readonly string[] = [],
): Selection {
  const prepared: Record<string, unknown> = { ...input };
  const nationalId = prepared.nationalId as { type?: unknown } | null | undefined;
  if (
    nationalId &&
    typeof nationalId === 'object' &&
    (nationalId.type !== 'ssn' || !supported.includes('nationalId'))
  ) {
    prepared.nationalId = CANNOT_HOLD;
  }
  for (const path of extraUnsupported) prepared[path] = CANNOT_HOLD;
  const { fields, ignored } = selectFields(
    prepared,
    (path, value) => value !== CANNOT_HOLD && supported.includes(path.split('.')[0] as string),
    policy,
    context,
  );
  return { fields, ignored };
}

/**
 * Argyle documents no way to clear a field (its PATCH takes strings and objects, never `null`), so a
 * `null` for a field Argyle stores is refused rather than guessed at. (A `null` for a field Argyle
 * cannot hold anyway is left to the policy, like any other value of that field.)
 */
export function refuseClears(
  patch: Record<string, unknown>,
  supported: readonly string[],
  context: AdapterContext,
): void {
  const fieldErrors: FieldErrors = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null && supported.includes(key)) {
      fieldErrors[key] = ['Argyle documents no way to clear a field; leave it out to keep its value'];
    }
  }
  const paths = Object.keys(fieldErrors);
  if (paths.length === 0) return;
  throw new InvalidInputError(
    `${context.provider} ${context.operation}: cannot clear ${paths.join(', ')} (Argyle documents no way to clear a field)`,
    fieldErrors,
    context,
  );
}

/**
 * `providerOptions.argyle` validated strictly, over the tenant's `defaults` when asked (create only:
 * an update sends only what the caller changes). A per-call key replaces the default's whole, so a
 * lender's `openBanking` is never a mix of two lenders. Other providers' namespaces are not ours to
 * judge and are left alone: a tenant can move between providers without changing calls.
 */
export function argyleOptions(
  providerOptions: Record<string, Record<string, unknown>> | undefined,
  defaults: ArgyleProviderOptions | undefined,
  context: AdapterContext,
): ArgyleProviderOptions {
  const raw = providerOptions?.argyle;
  let given: ArgyleProviderOptions = {};
  if (raw !== undefined) {
    const result = ArgyleProviderOptionsSchema.safeParse(raw);
    if (!result.success) {
      const fieldErrors = fieldErrorsFrom(result.error, 'providerOptions.argyle');
      throw new InvalidInputError(
        `${context.provider} ${context.operation}: invalid providerOptions.argyle (${pathList(Object.keys(fieldErrors))})`,
        fieldErrors,
        context,
      );
    }
    given = result.data;
  }
  return { ...(defaults ?? {}), ...stripUndefined(given) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
