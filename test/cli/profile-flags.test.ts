/** How profile flags become a neutral create input or update patch. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseProfileFlags, patchFromFlags, profileFromFlags } from '../../src/cli/profile-flags.js';
import { scratchDir } from './support.js';

describe('profileFromFlags', () => {
  it('maps each flag to its neutral field and leaves absent ones out', () => {
    const flags = parseProfileFlags({
      firstName: 'Jane',
      postalCode: '94105',
      country: 'US',
      ssn: '123-45-6789',
      previousPostalCode: ['94107', '94110'],
      metadata: '{"loanStage":2}',
      payrollPeriodMonths: 12,
      config: 'ignored.yaml',
    });
    expect(profileFromFlags(flags)).toEqual({
      firstName: 'Jane',
      address: { postalCode: '94105', country: 'US' },
      nationalId: { type: 'ssn', value: '123-45-6789' },
      previousPostalCodes: ['94107', '94110'],
      metadata: { loanStage: 2 },
      providerOptions: { teal: { payrollPeriodMonths: 12 } },
    });
    expect(profileFromFlags(parseProfileFlags({ niNumber: 'QQ123456C' }))).toEqual({
      nationalId: { type: 'ni_number', value: 'QQ123456C' },
    });
  });

  it('merges flags over --input field by field, address and provider options included', () => {
    const scratch = scratchDir();
    try {
      const input = scratch.file(
        'p.json',
        JSON.stringify({
          firstName: 'Janet',
          address: { line1: '1 Example Way', postalCode: '00000' },
          providerOptions: { teal: { payrollPeriodMonths: 3, payslipUploadEnabled: true }, argyle: {} },
        }),
      );
      const flags = parseProfileFlags({
        input,
        firstName: 'Jane',
        postalCode: '94105',
        payrollPeriodMonths: 12,
      });
      expect(profileFromFlags(flags)).toEqual({
        firstName: 'Jane',
        address: { line1: '1 Example Way', postalCode: '94105' },
        providerOptions: { teal: { payrollPeriodMonths: 12, payslipUploadEnabled: true }, argyle: {} },
      });
    } finally {
      scratch.remove();
    }
  });
});

describe('patchFromFlags', () => {
  it('turns --clear into null next to the fields it sets', () => {
    const flags = parseProfileFlags({ lastName: 'Doe', clear: ['email', 'previousPostalCodes'] });
    expect(patchFromFlags(flags)).toEqual({ lastName: 'Doe', email: null, previousPostalCodes: null });
  });

  it('refuses an empty patch, an unknown field and a field both set and cleared', () => {
    expect(() => patchFromFlags(parseProfileFlags({}))).toThrow(UsageError);
    expect(() => patchFromFlags(parseProfileFlags({ clear: ['ssn'] }))).toThrow(/not a profile field/);
    expect(() => patchFromFlags(parseProfileFlags({ email: 'a@example.com', clear: ['email'] }))).toThrow(
      /also sets it/,
    );
  });
});
