/**
 * `unknown_tenant` says how many tenants are configured, never which (a caller of one lender must
 * not learn the others), and shows the requested id escaped and cut to 64 characters: a control
 * character cannot rewrite a log line, and a 1 MiB id is cut before anything reads it.
 */
import { describe, expect, it } from 'vitest';
import { isPayrollIdentityError, UnknownTenantError } from '../../../src/errors.js';
import { createPayrollIdentity } from '../../../src/index.js';

const tenant = (apiKey: string) => ({
  provider: 'teal' as const,
  environment: 'sandbox' as const,
  credentials: { apiKey },
});
const identity = createPayrollIdentity({
  tenants: { 'acme-us': tenant('fake-api-key-0001'), 'brit-lend': tenant('fake-api-key-0002') },
});

function unknownTenant(id: unknown): UnknownTenantError {
  try {
    identity.forTenant(id as string);
  } catch (error) {
    if (isPayrollIdentityError(error, 'unknown_tenant')) return error;
    throw error;
  }
  throw new Error('expected unknown_tenant');
}

/** Control characters (newline aside: `everything` joins with it), bidi overrides, zero-width spaces. */
const invisibles = (text: string) =>
  [...text].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (code < 0x20 && c !== '\n') || code === 0x7f || code === 0x202e || code === 0x200b;
  });

const everything = (error: UnknownTenantError) =>
  `${error.message}\n${JSON.stringify(error)}\n${String(error.stack)}\n${error.tenant}`;

describe('unknown_tenant', () => {
  it('gives the number of configured tenants, never their ids', () => {
    const error = unknownTenant('nope');
    expect(error.message).toBe('No tenant "nope" is configured (the configuration has 2 tenants).');
    expect(error.tenant).toBe('nope');
    expect(everything(error)).not.toMatch(/acme|brit/);
  });

  it('escapes control characters, bidi overrides and other invisibles in the requested id', () => {
    const error = unknownTenant('evil\n\u001b[2K\r\u202eok\u200b"\\');
    expect(error.message).toBe(
      'No tenant "evil\\n\\u{1b}[2K\\r\\u{202e}ok\\u{200b}\\"\\\\" is configured (the configuration has 2 tenants).',
    );
    expect(invisibles(everything(error))).toEqual([]);
    expect(error.message).not.toContain('\n');
  });

  it('cuts the id to 64 characters before anything reads it: a 1 MiB id is cheap', () => {
    const id = `${'t'.repeat(1024 * 1024)}@example.com`;
    const started = performance.now();
    const error = unknownTenant(id);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.message).toBe(
      `No tenant "${'t'.repeat(64)}…" is configured (the configuration has 2 tenants).`,
    );
    expect(error.tenant).toBe(`${'t'.repeat(64)}…`);
    expect(everything(error).length).toBeLessThan(2_000);
  });

  it('a lone surrogate is escaped, and a non-string id is shown by its type', () => {
    expect(unknownTenant('a\ud800b').tenant).toBe('a\\u{d800}b');
    expect(unknownTenant(42).message).toBe(
      'No tenant "(number)" is configured (the configuration has 2 tenants).',
    );
  });

  it('a closed identity does not keep a 1 MiB or control-character id whole either', async () => {
    const closed = createPayrollIdentity({ tenants: { 'acme-us': tenant('fake-api-key-0001') } });
    await closed.close();
    for (const id of ['x'.repeat(1024 * 1024), 'a\u001b[2Kb']) {
      let error: unknown;
      try {
        closed.forTenant(id);
      } catch (e) {
        error = e;
      }
      expect(isPayrollIdentityError(error, 'invalid_configuration')).toBe(true);
      expect(JSON.stringify(error).length).toBeLessThan(1_000);
      const shown = String((error as { tenant?: unknown }).tenant);
      expect(shown.length).toBeLessThanOrEqual(129);
      expect(invisibles(shown)).toEqual([]);
    }
  });

  it('UnknownTenantError.of takes the configured ids (it uses their number only)', () => {
    const error = UnknownTenantError.of('x', ['a', 'b', 'c']);
    expect(error.message).toBe('No tenant "x" is configured (the configuration has 3 tenants).');
    expect(UnknownTenantError.of('x', ['a']).message).toContain('has 1 tenant)');
    expect(UnknownTenantError.of('x', 2).message).toContain('has 2 tenants)');
    expect(error.code).toBe('unknown_tenant');
  });
});
