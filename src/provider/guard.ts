/**
 * The core's boundary around a provider's own code (its declaration's functions). Whatever that code
 * throws, a caller gets a `PayrollIdentityError` whose message says which part of the provider
 * failed, never what it threw (a thrown message may quote a person's data, a credential or a
 * provider's body): the thrown value is kept only as a sanitized cause (its name and code). Errors of
 * the library's own (an `InvalidInputError` from a provider's `check`) pass unchanged.
 *
 * What a provider's mappers return is checked too: a user must be the one the answer is about, at
 * this provider, and holds only the neutral fields (anything else is dropped).
 */
import {
  type CallOperation,
  InvalidConfigurationError,
  isPayrollIdentityError,
  OutcomeUnknownError,
  type ReconciliationHint,
  UnexpectedResponseError,
} from '../errors.js';
import type { User } from '../user.js';
import type { OperationContext, UserWireDeclaration } from './declaration.js';

/** Who is calling the provider's code: a call's `OperationContext`, or a webhook call's. */
export interface GuardContext {
  provider: string;
  tenant: string;
  operation: CallOperation;
}

/** Provider code that runs before anything is sent: a failure there is the provider's set-up's. */
export function beforeSending<T>(context: GuardContext, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isPayrollIdentityError(error)) throw error;
    throw InvalidConfigurationError.of(
      [{ tenant: context.tenant, field: `provider ${context.provider}`, reason: `its ${what} failed` }],
      { provider: context.provider, tenant: context.tenant, operation: context.operation, cause: error },
    );
  }
}

/** Provider code that reads an answer: a failure there is an answer the provider's code cannot read. */
export function readingAnswer<T>(context: GuardContext, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isPayrollIdentityError(error)) throw error;
    throw new UnexpectedResponseError(
      `${context.provider} ${context.operation}: the provider's ${what} could not read the answer`,
      { ...context, issues: [`(provider ${what}): failed`], cause: error },
    );
  }
}

/**
 * Reading a create's answer: the provider said it created the user, so a failure here leaves a user
 * the caller does not know about. It is `outcome_unknown`, never a plain failure that invites a
 * second create.
 */
export function readingCreated<T>(
  context: OperationContext,
  hint: Omit<ReconciliationHint, 'tenant' | 'provider' | 'operation'>,
  run: () => T,
): T {
  try {
    return run();
  } catch (error) {
    if (isPayrollIdentityError(error)) throw error;
    throw new OutcomeUnknownError(
      `${context.provider} createUser: the provider answered that the user was created, but its answer could not be read; it was not sent again. Check whether it took effect (e.g. list users by externalId) before retrying.`,
      {
        ...context,
        cause: error,
        reconciliation: {
          tenant: context.tenant,
          provider: context.provider,
          operation: 'createUser',
          ...hint,
        },
      },
    );
  }
}

/** The neutral fields a user may hold; anything else a mapper returns is dropped. */
const USER_FIELDS = new Set<string>([
  'id',
  'provider',
  'createdAt',
  'firstName',
  'lastName',
  'email',
  'phone',
  'birthDate',
  'address',
  'previousPostalCodes',
  'nationalId',
  'externalId',
  'metadata',
  'connections',
  'providerData',
]);

/** A provider's user reader with its results checked: the id it reads is the id the user holds. */
export function checkedReader(user: UserWireDeclaration, provider: string): UserWireDeclaration {
  return {
    schema: user.schema,
    id: (wire) => {
      const id: unknown = user.id(wire);
      if (typeof id !== 'string' || id === '') throw new TypeError('user.id returned no id');
      return id;
    },
    toUser: (wire) => {
      const id = user.id(wire);
      const mapped: unknown = user.toUser(wire);
      if (typeof mapped !== 'object' || mapped === null) throw new TypeError('user.toUser returned no user');
      const shown = mapped as Record<string, unknown>;
      if (shown.id !== id) throw new TypeError('user.toUser returned another user');
      if (shown.provider !== provider) throw new TypeError('user.toUser named another provider');
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shown))
        if (USER_FIELDS.has(key) && shown[key] !== undefined) out[key] = shown[key];
      return out as unknown as User;
    },
  };
}
