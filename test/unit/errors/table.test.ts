/**
 * The error classes come from one table, `ERROR_CODES`: every code in it has its exported class
 * (of that code, recognised by `isPayrollIdentityError(e, code)`), every exported error class is in
 * it, every class is built the same way (`new XError(message, context)`), the `retryable` defaults
 * and the details are the table's, docs/errors.md's code table says the same, and the serialised
 * forms stay what they were. The type-level side (`ErrorCode` is the table's keys) is in
 * fixtures/narrowing.ts.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../src/errors.js';
import {
  ClosedIdentityError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorContext,
  type ErrorContextFor,
  InvalidConfigurationError,
  isPayrollIdentityError,
  PayrollIdentityError,
  PayrollIdentityErrorBase,
  UnknownTenantError,
} from '../../../src/errors.js';
import * as root from '../../../src/index.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** What every error is built with here (no field left out, so that losing one shows). */
const CONTEXT: ErrorContext = {
  provider: 'argyle',
  tenant: 'acme-us',
  operation: 'createUser',
  status: 418,
  requestId: 'req_0001',
  providerMessages: ['The provider says no'],
};

/**
 * Each code's own details, as a throw site passes them. Typed by code: a code added to the table
 * without a sample here does not compile.
 */
const DETAILS: { [C in ErrorCode]: Omit<ErrorContextFor<C>, keyof ErrorContext> } = {
  invalid_input: { fieldErrors: { email: ['Must be a valid email address'] } },
  authentication_failed: {},
  not_found: {},
  conflict: {},
  rate_limited: { retryAfterMs: 2_000 },
  provider_unavailable: {},
  network_error: { beforeRequestSent: true },
  timeout: {},
  aborted: {
    mayHaveTakenEffect: true,
    reconciliation: { tenant: 'acme-us', provider: 'argyle', operation: 'createUser', externalId: 'app-1' },
  },
  outcome_unknown: {
    reconciliation: { tenant: 'acme-us', provider: 'argyle', operation: 'createUser', externalId: 'app-1' },
  },
  unexpected_response: { issues: ['id: invalid_type'] },
  unsupported_operation: {},
  invalid_configuration: { problems: [{ tenant: 'acme-us', field: 'baseUrl', reason: 'must be https' }] },
  unknown_tenant: {},
  invalid_webhook: { reason: 'signature' },
};

type AnyErrorClass = new (message: string, context?: object) => PayrollIdentityErrorBase;

/** The exported class the table names for `code`. */
function classOf(code: ErrorCode): AnyErrorClass {
  const cls = (errors as Record<string, unknown>)[ERROR_CODES[code].name];
  if (typeof cls !== 'function') throw new Error(`src/errors.ts exports no ${ERROR_CODES[code].name}`);
  return cls as AnyErrorClass;
}

function build(code: ErrorCode, context: object = {}): PayrollIdentityErrorBase {
  return new (classOf(code))(`a ${code} error`, { ...CONTEXT, ...DETAILS[code], ...context });
}

describe('ERROR_CODES: one table for every code', () => {
  it('lists the fifteen codes', () => {
    expect(CODES).toHaveLength(15);
    expect(new Set(CODES.map((code) => ERROR_CODES[code].name)).size).toBe(CODES.length);
  });

  it.each(CODES)(
    '%s: its class is exported (here and from the root), of that code, and recognised',
    (code) => {
      const cls = classOf(code);
      const { name } = ERROR_CODES[code];
      expect(cls.name).toBe(name);
      expect((root as Record<string, unknown>)[name]).toBe(cls);
      const error = build(code);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(cls);
      expect(error).toBeInstanceOf(PayrollIdentityError);
      expect(error).toBeInstanceOf(Error);
      expect(isPayrollIdentityError(error)).toBe(true);
      expect(isPayrollIdentityError(error, code)).toBe(true);
      for (const other of CODES.filter((c) => c !== code)) {
        expect(isPayrollIdentityError(error, other)).toBe(false);
        expect(error).not.toBeInstanceOf(classOf(other));
      }
    },
  );

  it('every exported error class is in the table, but for the closed identity’s', () => {
    const classes = Object.entries(errors)
      .filter(
        ([, value]) =>
          typeof value === 'function' &&
          value !== PayrollIdentityErrorBase &&
          Object.prototype.isPrototypeOf.call(PayrollIdentityErrorBase.prototype, value.prototype),
      )
      .map(([name]) => name);
    const tabled = CODES.map((code) => ERROR_CODES[code].name);
    expect(classes.filter((name) => !tabled.includes(name as never)).sort()).toEqual(['ClosedIdentityError']);
    expect(tabled.filter((name) => !classes.includes(name)).sort()).toEqual([]);
  });

  it('is frozen: nobody can make outcome_unknown retryable or drop a detail', () => {
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
    expect(Object.isFrozen(ERROR_CODES.outcome_unknown)).toBe(true);
    expect(Object.isFrozen(ERROR_CODES.rate_limited.details)).toBe(true);
    expect(Object.isFrozen(ERROR_CODES.rate_limited.details.retryAfterMs)).toBe(true);
    expect(() => {
      (ERROR_CODES.outcome_unknown as { retryable: unknown }).retryable = true;
    }).toThrow(TypeError);
  });
});

describe('one constructor shape: new XError(message, context)', () => {
  it.each(CODES)(
    '%s: takes (message, context), the context carrying the shared fields and its details',
    (code) => {
      const error = build(code);
      expect(error.message).toBe(`a ${code} error`);
      expect(error).toMatchObject({
        provider: 'argyle',
        tenant: 'acme-us',
        operation: 'createUser',
        status: 418,
        requestId: 'req_0001',
        providerMessages: ['The provider says no'],
      });
      // Each detail of the table is an own property, as the constructor was given it (here already safe).
      const details = DETAILS[code] as Record<string, unknown>;
      for (const key of Object.keys(ERROR_CODES[code].details)) {
        expect(Object.hasOwn(error, key), key).toBe(true);
        expect((error as unknown as Record<string, unknown>)[key]).toEqual(details[key]);
      }
      expect(error.toJSON()).toMatchObject(details);
    },
  );

  it.each(CODES)(
    '%s: its retryable default is the table’s; a context overrides it unless "never"',
    (code) => {
      const { retryable } = ERROR_CODES[code];
      expect(build(code).retryable).toBe(retryable === true);
      expect(build(code, { retryable: true }).retryable).toBe(retryable !== 'never');
      expect(build(code, { retryable: false }).retryable).toBe(false);
      // The base class, built with the code, follows the same table.
      expect(new PayrollIdentityError(code, 'x', { retryable: true }).retryable).toBe(retryable !== 'never');
    },
  );

  it('the details are still kept safe: bounded, redacted, escaped', () => {
    const invalid = new errors.InvalidInputError('bad 123-45-6789', {
      fieldErrors: { 'first\nName': ['jane.doe@example.com is taken'] },
    });
    expect(invalid.message).not.toContain('123-45-6789');
    expect(invalid.fieldErrors).toEqual({ 'first\\nName': ['[REDACTED] is taken'] });
    expect(new errors.RateLimitedError('x', { retryAfterMs: 1e12 }).retryAfterMs).toBe(
      errors.MAX_RETRY_AFTER_MS,
    );
    expect(new errors.UnexpectedResponseError('x', { issues: ['ssn: 123-45-6789'] }).issues).toEqual([
      'ssn: [REDACTED]',
    ]);
    const many = Array.from({ length: 60 }, (_, i) => ({ field: `f${i}`, reason: `bad ${i}` }));
    const config = new InvalidConfigurationError('x', { problems: many });
    expect(config.problems).toHaveLength(51);
    expect(config.problems[50]).toEqual({ field: '(more)', reason: '10 more problems not listed' });
    // A reason outside the three is never kept as given (a host branches on it).
    expect(new errors.InvalidWebhookError('x', { reason: 'body text' as never }).reason).toBe('payload');
    expect(new errors.InvalidWebhookError('x', { reason: 'decryption' }).reason).toBe('decryption');
    const hint = { tenant: 'a', provider: 'b', operation: 'createUser' as const };
    const unknown = new errors.OutcomeUnknownError('x', { reconciliation: hint });
    expect(unknown.reconciliation).toEqual(hint);
    expect(unknown.reconciliation).not.toBe(hint);
  });

  it('the classes whose message says what they carry have a factory that writes it', () => {
    const config = InvalidConfigurationError.of(
      [
        { tenant: 'acme-us', field: 'baseUrl', reason: 'must be https' },
        { field: '(root)', reason: 'needs "tenants"' },
      ],
      { tenant: 'acme-us' },
    );
    expect(config.message).toBe(
      'Invalid payroll-identity configuration (2 problems):\n' +
        '  - tenant "acme-us": baseUrl: must be https\n' +
        '  - (root): needs "tenants"',
    );
    expect(config.problems).toHaveLength(2);
    expect(config.tenant).toBe('acme-us');

    const unknown = UnknownTenantError.of('nope\n', ['a', 'b']);
    expect(unknown.message).toBe('No tenant "nope\\n" is configured (the configuration has 2 tenants).');
    expect(unknown.tenant).toBe('nope\\n');

    const closed = ClosedIdentityError.of({ tenant: 'acme-us' });
    expect(closed).toMatchObject({
      code: 'invalid_configuration',
      message: 'This payroll identity is closed',
    });
    expect(closed.problems).toEqual([]);
    // Built with the same shape as every class: its problems stay empty whatever the context says.
    const direct = new ClosedIdentityError('closed', {
      problems: [{ field: 'x', reason: 'y' }],
    } as ErrorContext);
    expect(direct.problems).toEqual([]);
  });

  it('a host’s own subclass of the base still takes (code, message, context)', () => {
    class HostError extends PayrollIdentityErrorBase {
      constructor() {
        super('provider_unavailable', 'host', { provider: 'acmepay' });
      }
    }
    const error = new HostError();
    expect(error).toBeInstanceOf(PayrollIdentityError);
    expect(error).not.toBeInstanceOf(errors.ProviderUnavailableError);
    expect(isPayrollIdentityError(error, 'provider_unavailable')).toBe(true);
    expect(error.retryable).toBe(true);
  });
});

describe('serialised forms', () => {
  /** Exactly what `toJSON()` gave before the classes came from the table. */
  const SERIALISED: { [C in ErrorCode]?: Record<string, unknown> } = {
    invalid_input: { fieldErrors: { email: ['Must be a valid email address'] } },
    rate_limited: { retryAfterMs: 2_000 },
    network_error: { beforeRequestSent: true },
    aborted: {
      mayHaveTakenEffect: true,
      reconciliation: { tenant: 'acme-us', provider: 'argyle', operation: 'createUser', externalId: 'app-1' },
    },
    outcome_unknown: {
      reconciliation: { tenant: 'acme-us', provider: 'argyle', operation: 'createUser', externalId: 'app-1' },
    },
    unexpected_response: { issues: ['id: invalid_type'] },
    invalid_configuration: { problems: [{ tenant: 'acme-us', field: 'baseUrl', reason: 'must be https' }] },
    invalid_webhook: { reason: 'signature' },
  };

  it.each(CODES)('%s: the shared properties in order, then its details', (code) => {
    const { retryable } = ERROR_CODES[code];
    const json = build(code, { cause: Object.assign(new Error('secret'), { code: 'ECONNRESET' }) }).toJSON();
    expect(json).toEqual({
      name: ERROR_CODES[code].name,
      code,
      message: `a ${code} error`,
      provider: 'argyle',
      tenant: 'acme-us',
      operation: 'createUser',
      status: 418,
      requestId: 'req_0001',
      retryable: retryable === true,
      providerMessages: ['The provider says no'],
      ...SERIALISED[code],
      cause: { name: 'Error', code: 'ECONNRESET', message: 'Error (ECONNRESET)' },
    });
    expect(Object.keys(json)).toEqual([
      'name',
      'code',
      'message',
      'provider',
      'tenant',
      'operation',
      'status',
      'requestId',
      'retryable',
      'providerMessages',
      ...Object.keys(SERIALISED[code] ?? {}),
      'cause',
    ]);
    expect(inspect(build(code))).toMatch(
      new RegExp(`^${ERROR_CODES[code].name} \\[${code}\\]: a ${code} error \\{`),
    );
  });

  it('left out when empty or absent, as before: issues, reconciliation, providerMessages', () => {
    expect(new errors.UnexpectedResponseError('x').toJSON()).toEqual({
      name: 'UnexpectedResponseError',
      code: 'unexpected_response',
      message: 'x',
      retryable: false,
    });
    expect(new errors.AbortedError('x').toJSON()).toEqual({
      name: 'AbortedError',
      code: 'aborted',
      message: 'x',
      retryable: false,
      mayHaveTakenEffect: false,
    });
    expect(new errors.InvalidInputError('x').toJSON()).toEqual({
      name: 'InvalidInputError',
      code: 'invalid_input',
      message: 'x',
      retryable: false,
      fieldErrors: {},
    });
    expect(new errors.RateLimitedError('x').toJSON()).toEqual({
      name: 'RateLimitedError',
      code: 'rate_limited',
      message: 'x',
      retryable: true,
    });
    expect(ClosedIdentityError.of().toJSON()).toEqual({
      name: 'ClosedIdentityError',
      code: 'invalid_configuration',
      message: 'This payroll identity is closed',
      retryable: false,
      problems: [],
    });
  });
});

describe('docs/errors.md', () => {
  it('its code table gives each code the table’s class and retryable default', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z_]{1,40})` +\| `([A-Za-z]{1,60})` +\| ([a-z]{1,10}) +\|/gm)].map((m) => [
        m[1],
        { name: m[2], retryable: m[3] },
      ]),
    );
    for (const code of CODES) {
      const { name, retryable } = ERROR_CODES[code];
      expect(rows.get(code), code).toEqual({
        name,
        retryable: retryable === 'never' ? 'never' : retryable ? 'yes' : 'no',
      });
    }
    expect([...rows.keys()].sort()).toEqual([...CODES].sort());
  });
});
