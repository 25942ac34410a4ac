/**
 * A provider's text kept on an error (providerMessages, field-error messages and keys) cannot forge
 * a log line or rewrite a terminal: after redaction, every control, bidi and format character is
 * shown escaped (`\n`, `\u{1b}`), and the text is bounded. A host printing `error.providerMessages`
 * prints one line per message, whatever the provider wrote.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  isPayrollIdentityError,
  type PayrollIdentityError,
} from '../../../src/errors.js';
import { fakeProvider, rejection } from './support.js';

/** Characters that must never reach a host's log or terminal raw: C0, DEL, C1, bidi, line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const FORGED_LOG =
  'bad value\n2024-01-01T00:00:00Z INFO payment approved for applicant-9999\r\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007';
const FORGED_FIELD = 'bad\nFAKE LOG LINE level=info msg="approved"\u001b[31m';

/** Every string an error keeps from the provider. */
function providerStrings(error: PayrollIdentityError): string[] {
  const fields = (error as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {};
  return [...error.providerMessages, ...Object.keys(fields), ...Object.values(fields).flat()];
}

describe('provider text on an error is escaped', () => {
  it('providerMessages: \\n, \\r, ANSI and OSC-8 sequences come out escaped, on one line', () => {
    const error = new ConflictError('teal createUser: conflict', {
      providerMessages: [FORGED_LOG, 'Sarah\u202Edleifgnol'],
    });
    for (const text of error.providerMessages) expect(text).not.toMatch(RAW);
    expect(error.providerMessages[0]).toContain('bad value\\n');
    expect(error.providerMessages[0]).toContain('\\u{1b}[2J');
    expect(error.providerMessages[0]).toContain('\\u{1b}]8;;');
    expect(error.providerMessages[1]).toContain('\\u{202e}');
    expect(`${error.providerMessages.join('')}`.split('\n')).toHaveLength(1);
  });

  it('field errors: messages and keys (a custom provider’s) are escaped; `__proto__` stays an own key', () => {
    const fields = JSON.parse('{"__proto__": ["x"]}') as Record<string, string[]>;
    fields['first\nName'] = [FORGED_FIELD];
    const error = new InvalidInputError('rejected', { fieldErrors: fields });
    for (const text of providerStrings(error)) expect(text).not.toMatch(RAW);
    expect(error.fieldErrors['first\\nName']).toEqual([
      'bad\\nFAKE LOG LINE level=info msg="approved"\\u{1b}[31m',
    ]);
    expect(Object.hasOwn(error.fieldErrors, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(error.fieldErrors)).toBe(Object.prototype);
  });

  it('what was shown already passes unchanged (escaping is idempotent), and quotes stay', () => {
    const once = new ConflictError('c', { providerMessages: [FORGED_LOG] }).providerMessages;
    expect(new ConflictError('c', { providerMessages: once }).providerMessages).toEqual(once);
    expect(new ConflictError('c', { providerMessages: ['say "hi" \\ bye'] }).providerMessages).toEqual([
      'say "hi" \\ bye',
    ]);
  });

  it('is bounded: a custom provider’s 100,000-character message or 10,000 fields do not stay whole', () => {
    const error = new InvalidInputError('rejected', {
      fieldErrors: Object.fromEntries(
        Array.from({ length: 10_000 }, (_, i) => [`f${i}`, ['\u001b'.repeat(100_000)]]),
      ),
      providerMessages: Array.from({ length: 1_000 }, () => 'x'.repeat(100_000)),
    });
    expect(error.providerMessages.length).toBeLessThanOrEqual(50);
    expect(Math.max(...error.providerMessages.map((m) => m.length))).toBeLessThanOrEqual(1_001);
    expect(Object.keys(error.fieldErrors).length).toBeLessThanOrEqual(100);
    for (const text of Object.values(error.fieldErrors).flat()) expect(text.length).toBeLessThan(10_000);
  });
});

describe('through the providers (a 400 full of control characters)', () => {
  let fake: Awaited<ReturnType<typeof fakeProvider>>;
  beforeAll(async () => {
    fake = await fakeProvider();
  });
  afterAll(() => fake.close());

  it.each([
    ['argyle-v2', { first_name: [FORGED_FIELD], detail: FORGED_LOG }],
    ['argyle-v1', { first_name: [FORGED_FIELD], non_field_errors: [FORGED_LOG] }],
    ['teal', { errors: [FORGED_LOG, FORGED_FIELD] }],
  ] as const)('%s: no raw control character in any rendering of the error', async (tenant, body) => {
    fake.answer = { status: 400, body };
    const error = await rejection(() =>
      fake.identity.forTenant(tenant).createUser({
        firstName: 'Sarah',
        lastName: 'Longfield',
        birthDate: '1987-03-09',
        address: { postalCode: 'SW1A 2AA' },
      }),
    );
    expect(isPayrollIdentityError(error, 'invalid_input')).toBe(true);
    const e = error as PayrollIdentityError;
    const strings = providerStrings(e);
    // The provider's text is kept (escaped), not dropped.
    expect(strings.join(' ')).toMatch(/FAKE LOG LINE|payment approved/);
    for (const text of [...strings, e.message]) expect(text).not.toMatch(RAW);
    // inspect and JSON escape on their own; what matters is that no raw ESC is in them either.
    expect(inspect(e, { depth: Number.POSITIVE_INFINITY })).not.toContain('\u001b');
    expect(JSON.stringify(e)).not.toContain('\u001b');
  });
});
