import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders } from 'axios';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  isPayrollIdentityError,
  NetworkError,
  OutcomeUnknownError,
  PayrollIdentityError,
  type PayrollIdentityErrorBase,
  RateLimitedError,
  SanitizedCause,
} from '../../src/errors.js';
import { Redactor, redactPatterns } from '../../src/redact.js';
import { everyRendering, expectNoLeak } from '../contract/assertions.js';

const API_SECRET = 'argyle_secret_9f8e7d6c5b4a';
const BASIC = `Basic ${Buffer.from(`key_id:${API_SECRET}`).toString('base64')}`;
const PERSON = ['123-45-6789', 'QQ123456C', 'jane.doe@example.com', '+14155550123', '1990-05-17'];

function axiosErrorWithSecrets(): AxiosError {
  const headers = new AxiosHeaders({ Authorization: BASIC, 'X-API-KEY': API_SECRET });
  const config = {
    headers,
    url: `https://key_id:${API_SECRET}@api.example.com/v2/users`,
    data: JSON.stringify({ ssn: PERSON[0] }),
  };
  return new AxiosError(
    `connect ECONNREFUSED with ${BASIC} for ${PERSON[2]}`,
    'ECONNREFUSED',
    config as never,
    { headers } as never,
  );
}

describe('errors never show secrets or personal data', () => {
  const cases: Array<[string, PayrollIdentityErrorBase]> = [
    [
      'network error with an AxiosError cause',
      new NetworkError('network error', { cause: axiosErrorWithSecrets(), beforeRequestSent: true }),
    ],
    [
      'nested cause chain',
      new PayrollIdentityError('provider_unavailable', 'outer', {
        cause: new PayrollIdentityError('network_error', 'inner', { cause: axiosErrorWithSecrets() }),
      }),
    ],
    [
      'message with personal data',
      new PayrollIdentityError('unexpected_response', `bad user ${PERSON.join(' ')} ${BASIC}`),
    ],
    [
      'conflict echoing the person',
      new ConflictError('conflict', {
        providerMessages: [`User jane.doe@example.com born 1990-05-17 exists`],
      }),
    ],
    [
      'field errors echoing values',
      new InvalidInputError('bad', {
        fieldErrors: { ssn: ['123-45-6789 is not valid'], phone: ['+14155550123?'] },
      }),
    ],
    [
      'plain object cause',
      new PayrollIdentityError('network_error', 'x', {
        cause: { message: `token ${API_SECRET}`, config: { auth: API_SECRET } },
      }),
    ],
  ];

  it.each(cases)('%s', (_name, error) => {
    expectNoLeak(error, [API_SECRET, BASIC, ...PERSON]);
    expect(everyRendering(error)).toContain(error.code);
  });

  it('keeps a safe summary of the cause', () => {
    const error = new NetworkError('network error', {
      cause: axiosErrorWithSecrets(),
      beforeRequestSent: true,
    });
    expect(error.cause).toBeInstanceOf(SanitizedCause);
    expect((error.cause as SanitizedCause).code).toBe('ECONNREFUSED');
    expect(error.toJSON()).toMatchObject({
      code: 'network_error',
      retryable: true,
      beforeRequestSent: true,
      cause: { code: 'ECONNREFUSED' },
    });
    expect(inspect(error)).toContain('ECONNREFUSED');
  });
});

describe('error shape', () => {
  it('has code, provider, tenant, status, retryable, and subclass details', () => {
    const e = new RateLimitedError('slow down', {
      retryAfterMs: 2000,
      provider: 'argyle',
      tenant: 'acme',
      status: 429,
      operation: 'getUser',
    });
    expect(e).toBeInstanceOf(PayrollIdentityError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      code: 'rate_limited',
      provider: 'argyle',
      tenant: 'acme',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      name: 'RateLimitedError',
      retryAfterMs: 2000,
      operation: 'getUser',
    });
    expect(isPayrollIdentityError(e, 'rate_limited')).toBe(true);
    expect(isPayrollIdentityError(e, 'conflict')).toBe(false);
    expect(isPayrollIdentityError(new Error('x'))).toBe(false);
    // With a code, the guard narrows to that code's class: its own properties are typed.
    const caught: unknown = e;
    if (!isPayrollIdentityError(caught, 'rate_limited')) throw new Error('expected rate_limited');
    expect(caught.retryAfterMs).toBe(2000);
    const invalid: unknown = new InvalidInputError('bad', {
      fieldErrors: { email: ['Must be a valid email address'] },
    });
    if (!isPayrollIdentityError(invalid, 'invalid_input')) throw new Error('expected invalid_input');
    expect(invalid.fieldErrors.email).toEqual(['Must be a valid email address']);
  });

  it('every error may carry the provider’s messages, serialised only when there are some', () => {
    const plain = new PayrollIdentityError('not_found', 'not found');
    expect(plain.providerMessages).toEqual([]);
    expect(plain.toJSON()).not.toHaveProperty('providerMessages');
    const kept = new PayrollIdentityError('not_found', 'not found', {
      providerMessages: ['User jane.doe@example.com is gone'],
    });
    expect(kept.providerMessages).toEqual(['User [REDACTED] is gone']);
    expect(kept.toJSON()).toMatchObject({ providerMessages: ['User [REDACTED] is gone'] });
    expect(inspect(kept)).toContain('User [REDACTED] is gone');
    const conflict = new ConflictError('conflict', { providerMessages: ['first', 'exists'] });
    expect(conflict.providerMessages).toEqual(['first', 'exists']);
    expect(new ConflictError('conflict').toJSON()).not.toHaveProperty('providerMessages');
  });

  it('outcome_unknown carries the reconciliation hint and is not retryable', () => {
    const e = new OutcomeUnknownError('unknown', {
      reconciliation: {
        tenant: 'acme',
        provider: 'argyle',
        operation: 'createUser',
        externalId: 'applicant-1',
      },
      retryable: true,
    });
    expect(e.retryable).toBe(false);
    expect(e.toJSON()).toMatchObject({ reconciliation: { externalId: 'applicant-1', tenant: 'acme' } });
  });
});

describe('redaction', () => {
  it('redacts shapes of personal data and credentials', () => {
    const text = redactPatterns(
      `ssn 123-45-6789 / 123456789, ni QQ 12 34 56 C, mail a.b@example.co.uk, tel +44 7700 900123, born 1990-05-17, 17/05/1990, ${BASIC}, Bearer abc.def, eyJhbGciOiJI.eyJzdWIiOiIx.sig`,
    );
    for (const s of [
      '123-45-6789',
      '123456789',
      'QQ 12 34 56 C',
      'a.b@example.co.uk',
      '7700 900123',
      '1990-05-17',
      '17/05/1990',
      API_SECRET,
      'abc.def',
      'eyJ',
    ]) {
      expect(text).not.toContain(s);
    }
  });

  it('redacts exact known values in any case, longest first', () => {
    const r = new Redactor(['John', 'Johnson', 'a', ' ', undefined]);
    expect(r.redact('JOHNSON and john and a')).toBe('[REDACTED] and [REDACTED] and a');
    expect(r.with(['and']).redact('x and y')).toBe('x [REDACTED] y');
  });

  it('redacts 2-character values (names like "Li", "Ng") as whole words only', () => {
    const r = new Redactor(['Li', 'Ng', 'Łu']);
    expect(r.redact('forename Li and surname NG do not match')).toBe(
      'forename [REDACTED] and surname [REDACTED] do not match',
    );
    expect(r.redact('Li,Ng (li) "ng" łu.')).toBe(
      '[REDACTED],[REDACTED] ([REDACTED]) "[REDACTED]" [REDACTED].',
    );
    // Inside a word they are not the value: "Limited", "Long", "Łukasz" stay readable.
    expect(r.redact('Limited Long ending Łukasz')).toBe('Limited Long ending Łukasz');
  });

  it('redacts a value with spaces however the provider spaces it', () => {
    const r = new Redactor(['SW1A 2AA', '1 Main  Street']);
    for (const echo of [
      'SW1A 2AA',
      'SW1A2AA',
      'sw1a  2aa',
      'SW1A\t2AA',
      'SW1A\n2AA',
      '1 Main Street',
      '1MainStreet',
    ]) {
      expect(r.redact(`at ${echo}!`)).toBe('at [REDACTED]!');
    }
    // A 2-character value once its spaces are gone is a whole word only.
    expect(new Redactor(['A B']).redact('AB at ABBEY, A B')).toBe('[REDACTED] at ABBEY, [REDACTED]');
  });
});

describe('redaction keeps long identifiers readable', () => {
  it('redacts a 32+ character key but not a long variable name', () => {
    const key = 'sk9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1';
    const text = redactPatterns(`key ${key} for PAYROLL_IDENTITY_CLI_TEST_UNSET_VARIABLE`);
    expect(text).not.toContain(key);
    expect(text).toContain('PAYROLL_IDENTITY_CLI_TEST_UNSET_VARIABLE');
  });
});
