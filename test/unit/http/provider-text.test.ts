/**
 * What an error keeps of a provider's own words. The `message` never quotes the provider; its text
 * is kept (as `providerMessages` and field-error texts) only for calls that carried the person's
 * data, redacted against it, and cut only after redaction.
 */
import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { describeArgyleError } from '../../../providers/argyle/errors.js';
import { describeTealError } from '../../../providers/teal/errors.js';
import type { InvalidInputError } from '../../../src/errors.js';
import { type ErrorDescription, errorFromStatus, GENERIC_FIELD_MESSAGE } from '../../../src/http/errors.js';
import { readResponse } from '../../../src/http/response.js';
import type { Transport } from '../../../src/http/transport.js';
import { createPayrollIdentity } from '../../../src/index.js';
import { Redactor } from '../../../src/redact.js';
import type { CreateUserInput } from '../../../src/user.js';
import { everyRendering, rejection } from '../../contract/assertions.js';

const CONTEXT = { provider: 'p', tenant: 't', operation: 'getUser' } as const;
const NAME_ECHO = 'No user Sarah Longfield at 1 Main Street';

/** Whether `text` holds `value` as a word (2-character names would otherwise match inside words). */
function holdsWord(text: string, value: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{N}])${value}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

describe('errorFromStatus: the message never quotes the provider', () => {
  const description: ErrorDescription = {
    messages: [NAME_ECHO],
    fieldErrors: { firstName: [`Sarah is not allowed`], 'address.line1': ['1 Main Street is unknown'] },
  };

  it.each([400, 401, 403, 404, 409, 418, 422, 429, 500, 503])(
    'HTTP %i: operation and status only, with or without the call’s data',
    (status) => {
      for (const redactor of [undefined, new Redactor(['unrelated-value'])]) {
        const error = errorFromStatus(status, {}, description, redactor, CONTEXT);
        expect(error.message).toContain('p getUser');
        expect(error.message).toContain(String(status));
        for (const word of ['Sarah', 'Longfield', 'Main', 'allowed', 'unknown']) {
          expect(error.message).not.toContain(word);
        }
      }
    },
  );

  it('invalid_input names the neutral fields, and drops a key that is not a field path', () => {
    const error = errorFromStatus(
      400,
      {},
      { messages: [], fieldErrors: { firstName: ['x'], 'Sarah Longfield lives here': ['y'] } },
      undefined,
      CONTEXT,
    ) as InvalidInputError;
    expect(error.message).toBe('p getUser rejected the input (HTTP 400; fields: firstName)');
    expect(Object.keys(error.fieldErrors)).toEqual(['firstName']);
    expect(everyRendering(error)).not.toContain('Longfield');
  });
});

describe('errorFromStatus: provider text is kept only with the call’s data to redact it against', () => {
  it('without it (get, list, delete, token): no provider messages, field errors keep only their keys', () => {
    const error = errorFromStatus(
      400,
      {},
      { messages: [NAME_ECHO], fieldErrors: { 'address.line1': ['1 Main Street is unknown'] } },
      undefined,
      CONTEXT,
    ) as InvalidInputError;
    expect(error.providerMessages).toEqual([]);
    expect(error.fieldErrors).toEqual({ 'address.line1': [GENERIC_FIELD_MESSAGE] });
    expect(error.toJSON()).not.toHaveProperty('providerMessages');
    const text = everyRendering(error);
    for (const word of ['Sarah', 'Longfield', 'Main Street']) expect(text).not.toContain(word);
  });

  it.each([401, 404, 409, 418])('HTTP %i without it: nothing of the provider’s text anywhere', (status) => {
    const error = errorFromStatus(status, {}, { messages: [NAME_ECHO] }, undefined, CONTEXT);
    expect(error.providerMessages).toEqual([]);
    expect(everyRendering(error)).not.toContain('Longfield');
  });

  it('with it (create, update): the messages are kept, redacted (exact values and patterns)', () => {
    const redactor = new Redactor(['Sarah', 'Longfield', '1 Main Street']);
    const error = errorFromStatus(409, {}, { messages: [`${NAME_ECHO}, born 1990-05-17`] }, redactor, {
      ...CONTEXT,
      operation: 'createUser',
    });
    expect(error.code).toBe('conflict');
    expect(error.providerMessages).toEqual(['No user [REDACTED] [REDACTED] at [REDACTED], born [REDACTED]']);
    expect(error.toJSON()).toMatchObject({ providerMessages: error.providerMessages });
    expect(error.message).not.toContain('No user');
  });

  it('with it: field-error texts are redacted too, and every status with a body keeps its text', () => {
    const redactor = new Redactor(['Li', 'Ng']);
    const invalid = errorFromStatus(
      400,
      {},
      { messages: [], fieldErrors: { firstName: ['firstName Li and lastName Ng do not match'] } },
      redactor,
      CONTEXT,
    ) as InvalidInputError;
    expect(invalid.fieldErrors).toEqual({
      firstName: ['firstName [REDACTED] and lastName [REDACTED] do not match'],
    });
    const notFound = errorFromStatus(404, {}, { messages: ['Li is gone'] }, redactor, CONTEXT);
    expect(notFound.providerMessages).toEqual(['[REDACTED] is gone']);
  });

  it('cuts a long message only after redacting it: a value across the cut leaves no part behind', () => {
    const ni = 'QQ123456C';
    const postcode = 'SW1A 2AA';
    const redactor = new Redactor([ni, postcode]);
    for (let at = 480; at <= 505; at++) {
      const text = `${'x'.repeat(at)} ${postcode} / ${ni} is not valid`;
      const [kept] = errorFromStatus(409, {}, { messages: [text] }, redactor, CONTEXT).providerMessages;
      expect(kept?.length).toBeLessThanOrEqual(501);
      for (const part of ['SW1A', '2AA', 'QQ12', '3456C', '[REDA…']) expect(kept).not.toContain(part);
    }
  });

  it('bounds what a hostile body can put in an error: count, length, and over-long messages dropped', () => {
    const error = errorFromStatus(
      409,
      {},
      {
        messages: Array.from({ length: 100 }, (_, i) =>
          i === 0 ? 'y'.repeat(1_000_000) : 'x'.repeat(10_000),
        ),
      },
      new Redactor([]),
      CONTEXT,
    );
    expect(error.providerMessages).toHaveLength(20);
    expect(error.providerMessages[0]).not.toContain('y');
    expect(error.providerMessages.every((m) => m.length <= 501)).toBe(true);
  });

  it('bounds the redaction work per error: fields and texts, however many the body names', () => {
    const fieldErrors = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`field${i}`, Array.from({ length: 20 }, () => 'z'.repeat(900))]),
    );
    const started = performance.now();
    const error = errorFromStatus(
      400,
      {},
      { messages: ['m'.repeat(900)], fieldErrors },
      new Redactor(['QQ123456C']),
      CONTEXT,
    ) as InvalidInputError;
    const kept = Object.values(error.fieldErrors).flat();
    expect(Object.keys(error.fieldErrors)).toHaveLength(50);
    expect(kept.filter((m) => m !== GENERIC_FIELD_MESSAGE).length + error.providerMessages.length).toBe(40);
    expect(error.message).toContain('field9, …');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('readResponse: the call’s `sensitive` decides', () => {
  const response = (status: number, body: unknown) =>
    ({ status, statusText: '', headers: {}, config: {}, data: JSON.stringify(body) }) as AxiosResponse;
  const read = (sensitive: string[] | undefined) => {
    try {
      readResponse(
        response(409, { detail: NAME_ECHO }),
        { operation: 'createUser', ...(sensitive ? { sensitive } : {}) },
        { provider: 'argyle', tenant: 't', operation: 'createUser' },
        new Redactor(['tenant-secret-value']),
        describeArgyleError,
        () => {},
      );
    } catch (error) {
      return error as InstanceType<typeof Error> & { providerMessages: string[] };
    }
    throw new Error('expected an error');
  };

  it('no `sensitive`: the provider text is dropped', () => {
    expect(read(undefined).providerMessages).toEqual([]);
  });

  it('`sensitive` given: kept, with its values redacted', () => {
    expect(read(['Sarah', 'Longfield']).providerMessages).toEqual([
      'No user [REDACTED] [REDACTED] at 1 Main Street',
    ]);
  });
});

describe('through the adapters (a provider echoing the person)', () => {
  function service(provider: 'teal' | 'argyle', status: number, body: unknown) {
    const transport: Transport = async (config) => ({
      status,
      statusText: '',
      headers: { 'content-type': 'application/json' },
      config,
      data: JSON.stringify(body),
    });
    const tenant =
      provider === 'teal'
        ? {
            provider: 'teal' as const,
            environment: 'sandbox' as const,
            credentials: { apiKey: 'teal-fake-key-0001' },
            defaults: { payrollPeriodMonths: 12 },
          }
        : {
            provider: 'argyle' as const,
            environment: 'sandbox' as const,
            credentials: { apiKeyId: 'argyle-fake-id', apiKeySecret: 'argyle-fake-secret' },
          };
    return createPayrollIdentity({ transport, tenants: { t: tenant } }).forTenant('t');
  }
  const person: CreateUserInput = {
    firstName: 'Li',
    lastName: 'Ng',
    birthDate: '1990-05-17',
    address: { postalCode: 'SW1A 2AA' },
    nationalId: { type: 'ni_number', value: 'QQ123456C' },
  };

  it('Teal 400 naming a 2-letter first and last name: field errors keep neither', async () => {
    const error = await rejection(() =>
      service('teal', 400, { errors: ['forename Li and surname Ng do not match our records'] }).createUser(
        person,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(Object.keys((error as InvalidInputError).fieldErrors).sort()).toEqual(['firstName', 'lastName']);
    const text = everyRendering(error);
    expect(holdsWord(text, 'Li')).toBe(false);
    expect(holdsWord(text, 'Ng')).toBe(false);
  });

  it('Teal 400 with the NI number across the old 500-character cut: no part of it survives', async () => {
    const error = await rejection(() =>
      service('teal', 400, { errors: [`${'x'.repeat(494)} QQ123456C is not a valid ni_number`] }).createUser(
        person,
      ),
    );
    expect(everyRendering(error)).not.toMatch(/QQ1|123456C/);
  });

  it('Teal 409 echoing the postcode without its space: still Teal’s message, redacted', async () => {
    const error = await rejection(() =>
      service('teal', 409, { errors: ['This user already exists: SW1A2AA / sw1a  2aa'] }).createUser(person),
    );
    expect(error.code).toBe('conflict');
    expect(error.providerMessages).toEqual(['This user already exists: [REDACTED] / [REDACTED]']);
    expect(everyRendering(error)).not.toMatch(/sw1a|2aa/i);
  });

  it('Argyle 404 naming the person on a get: nothing of it anywhere', async () => {
    const error = await rejection(() => service('argyle', 404, { detail: NAME_ECHO }).getUser('user-1'));
    expect(error.code).toBe('not_found');
    expect(everyRendering(error)).not.toMatch(/Sarah|Longfield|Main Street/);
  });

  it('Teal 401 echoing the API key on a get: nothing of the provider’s text', async () => {
    const error = await rejection(() =>
      service('teal', 401, { errors: 'X-API-KEY teal-fake-key-0001 is wrong' }).getUser('user-1'),
    );
    expect(error.code).toBe('authentication_failed');
    expect(everyRendering(error)).not.toMatch(/teal-fake-key|is wrong/);
  });

  it('Teal describes, the core keeps: its 400 field names come through neutral', () => {
    // Guard for the test above: Teal's reader still maps the names (what the core then filters).
    expect(Object.keys(describeTealError(400, { errors: ['forename Li is bad'] }).fieldErrors ?? {})).toEqual(
      ['firstName'],
    );
  });
});
