/** Teal mapping details the round-trip property does not pin down. */
import { describe, expect, it } from 'vitest';
import { fromTealUser, fromTealUserToken, toPostCodes } from '../../../providers/teal/mappers.js';
import { mergeTealOptions } from '../../../providers/teal/options.js';
import { TealUserSchema } from '../../../providers/teal/wire.js';

describe('post codes', () => {
  it('puts the current post code first and drops duplicates whatever their case or spacing', () => {
    expect(toPostCodes('SW1A 2AA', ['SW1A 1AA', 'sw1a2aa', 'SW1A  1AA', 'EC1A 1BB'])).toEqual([
      'SW1A 2AA',
      'SW1A 1AA',
      'EC1A 1BB',
    ]);
    expect(toPostCodes(undefined, ['EC1A 1BB'])).toEqual(['EC1A 1BB']);
    expect(toPostCodes('EC1A 1BB', undefined)).toEqual(['EC1A 1BB']);
  });

  it('reads the first Teal post code as the current one', () => {
    const user = fromTealUser(
      TealUserSchema.parse({
        user_id: 'u',
        created_at: 'x',
        post_codes: ['EC1A 1BB', 'SW1A 1AA', 'SW1A 2AA'],
      }),
    );
    expect(user.address).toEqual({ postalCode: 'EC1A 1BB' });
    expect(user.previousPostalCodes).toEqual(['SW1A 1AA', 'SW1A 2AA']);
    const single = fromTealUser(
      TealUserSchema.parse({ user_id: 'u', created_at: 'x', post_codes: ['EC1A 1BB'] }),
    );
    expect(single).not.toHaveProperty('previousPostalCodes');
  });
});

describe('settings', () => {
  it('per-call options override tenant defaults field by field, recurring checks included', () => {
    expect(
      mergeTealOptions(
        {
          payrollPeriodMonths: 12,
          recurringChecks: { enabled: true, frequency: 'WEEKLY' },
          payslipUploadEnabled: true,
        },
        { recurringChecks: { frequency: 'DAILY' }, payslipUploadEnabled: false },
      ),
    ).toEqual({
      payrollPeriodMonths: 12,
      recurringChecks: { enabled: true, frequency: 'DAILY' },
      payslipUploadEnabled: false,
    });
    expect(mergeTealOptions(undefined, undefined)).toEqual({});
  });
});

describe('link token', () => {
  it('maps webapp_link to url and created_at to createdAt; both are optional', () => {
    expect(
      fromTealUserToken({
        token: 't',
        webapp_link: 'https://app.goteal.co/a',
        created_at: '2024-01-01T00:00:00Z',
      }),
    ).toEqual({
      token: 't',
      url: 'https://app.goteal.co/a',
      createdAt: '2024-01-01T00:00:00Z',
    });
    expect(fromTealUserToken({ token: 't', webapp_link: null })).toEqual({ token: 't' });
  });
});
