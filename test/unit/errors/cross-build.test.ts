/**
 * A host that `require`s the library in one place and `import`s it in another loads both builds, so
 * every error class exists twice. An error thrown by one build must still be recognised by the
 * other: `isPayrollIdentityError`, `instanceof PayrollIdentityError` and `instanceof` the subclass.
 * Both builds are the package as a consumer installs it: the run's shared release build, packed and
 * installed in a fresh project (test/packaging/pack.ts), so no second build is made here.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedPackage } from '../../packaging/pack.js';

type Library = typeof import('../../../src/index.js');
let esm: Library;
let cjs: Library;

beforeAll(async () => {
  const { installed } = await sharedPackage();
  esm = (await import(pathToFileURL(join(installed, 'dist', 'index.js')).href)) as Library;
  cjs = createRequire(import.meta.url)(join(installed, 'dist', 'index.cjs')) as Library;
}, 600_000);

const CONFIG = {
  tenants: {
    acme: {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: 'fake-api-key-0123' },
    },
  },
} as const;

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('errors cross between the ESM and the CommonJS build', () => {
  it('the two builds are distinct copies (the case being tested)', () => {
    expect(esm.PayrollIdentityError).not.toBe(cjs.PayrollIdentityError);
  });

  it.each([
    ['CommonJS', 'ESM'],
    ['ESM', 'CommonJS'],
  ] as const)('an error thrown by the %s build is recognised by the %s build', (from, by) => {
    const [thrower, checker] = from === 'CommonJS' ? [cjs, esm] : [esm, cjs];
    const identity = thrower.createPayrollIdentity(CONFIG as never);
    const error = thrownBy(() => identity.forTenant('nope'));
    expect(error).toBeInstanceOf(thrower.UnknownTenantError);

    expect(checker.isPayrollIdentityError(error), by).toBe(true);
    expect(checker.isPayrollIdentityError(error, 'unknown_tenant')).toBe(true);
    expect(checker.isPayrollIdentityError(error, 'not_found')).toBe(false);
    expect(error instanceof checker.PayrollIdentityError).toBe(true);
    expect(error instanceof checker.UnknownTenantError).toBe(true);
    expect(error instanceof checker.NotFoundError).toBe(false);

    const invalid = new thrower.InvalidInputError('bad', {
      fieldErrors: { email: ['Must be a valid email address'] },
    });
    expect(checker.isPayrollIdentityError(invalid, 'invalid_input')).toBe(true);
    expect(invalid instanceof checker.InvalidInputError).toBe(true);
    expect(invalid instanceof checker.ConflictError).toBe(false);
    // The other build keeps such an error as a cause as it is (it is already safe), not reduced.
    const outer = new checker.ProviderUnavailableError('outer', { cause: invalid });
    expect(outer.cause).toBe(invalid);
  });

  it('plain errors and look-alikes are not recognised', () => {
    for (const value of [
      new Error('x'),
      { code: 'not_found', name: 'NotFoundError', message: 'x' },
      null,
      'not_found',
    ]) {
      expect(esm.isPayrollIdentityError(value)).toBe(false);
      expect(value instanceof esm.PayrollIdentityError).toBe(false);
      expect(value instanceof cjs.NotFoundError).toBe(false);
    }
  });
});
