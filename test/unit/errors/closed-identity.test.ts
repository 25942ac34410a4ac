/**
 * `forTenant` on a closed identity throws a `ClosedIdentityError`: code `invalid_configuration`, like
 * an `InvalidConfigurationError`, and, like it, a `problems` array (empty), so that a host narrowing
 * by `code` alone can read `problems` whichever was thrown (the type-level side is in
 * fixtures/narrowing.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  ClosedIdentityError,
  createPayrollIdentity,
  InvalidConfigurationError,
  isPayrollIdentityError,
  PayrollIdentityError,
} from '../../../src/index.js';

describe('a closed identity', () => {
  it('throws a ClosedIdentityError with code invalid_configuration and empty problems', async () => {
    const identity = createPayrollIdentity({
      tenants: {
        alpha: {
          provider: 'teal',
          environment: 'sandbox',
          credentials: { apiKey: 'api-key-1' },
          defaults: { payrollPeriodMonths: 12 },
        },
      },
    } as never);
    await identity.close();
    let thrown: unknown;
    try {
      identity.forTenant('alpha');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ClosedIdentityError);
    expect(thrown).toBeInstanceOf(PayrollIdentityError);
    expect(thrown).not.toBeInstanceOf(InvalidConfigurationError);
    if (!isPayrollIdentityError(thrown, 'invalid_configuration')) throw new Error('not narrowed');
    // Narrowed by code alone: `problems` exists on both classes.
    expect(thrown.problems).toEqual([]);
    expect(thrown.message).toMatch(/closed/);
    expect(thrown.tenant).toBe('alpha');
    expect(thrown.toJSON()).toMatchObject({ code: 'invalid_configuration', problems: [] });
  });
});
