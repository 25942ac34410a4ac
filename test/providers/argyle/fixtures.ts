/**
 * Shared fixtures for the Argyle tests: obviously fake people, wire bodies shaped as Argyle's reference shows them, and tenants
 * built the way a host builds them.
 */
import { argyleProvider } from '../../../providers/argyle/index.js';
import { createPayrollIdentityWith, type TenantConfigInput } from '../../../src/container/identity.js';
import type { CreateUserInput } from '../../../src/user.js';
import type { UserService } from '../../../src/user-service.js';

export const ORIGIN = 'https://argyle.contract.test';
export const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
export const OTHER_ID = '0186c5b8-8fa1-67b3-39af-14b3e18da8a7';
export const CREDENTIALS = { apiKeyId: 'key-id-contract-1234', apiKeySecret: 'key-secret-contract-5678' };
export const AUTH_HEADER = `Basic ${Buffer.from(`${CREDENTIALS.apiKeyId}:${CREDENTIALS.apiKeySecret}`).toString('base64')}`;

/** The top-level keys Argyle's users reference defines for a v2 create/update body (read from the reference, not the code). */
export const SEED_V2_BODY_KEYS = [
  'first_name',
  'last_name',
  'email',
  'phone_number',
  'ssn',
  'address',
  'birth_date',
  'external_metadata',
  'open_banking',
  'external_id',
] as const;

/** A JWT-shaped token whose `exp` is 2023-03-09T05:59:03.000Z (as in Argyle's reference example). */
export function fakeJwt(exp = 1678341543): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ exp, user_id: USER_ID })}.c2lnbmF0dXJl`;
}

export const createInputV2: CreateUserInput = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  email: 'sarah.longfield@example.com',
  phone: '+14155550123',
  birthDate: '1990-05-17',
  address: {
    line1: '1 Main Street',
    line2: 'Apartment 4',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    country: 'US',
  },
  nationalId: { type: 'ssn', value: '123-45-6789' },
  externalId: 'applicant-8841',
  metadata: { loanStage: 'stage-two', group: { name: 'summer-initiative' } },
  providerOptions: { argyle: { openBanking: { name: 'Acme Lending', phone: '415-555-0100' } } },
};

/** The v2 body `createInputV2` must become. */
export const createBodyV2 = {
  first_name: 'Sarah',
  last_name: 'Longfield',
  email: 'sarah.longfield@example.com',
  phone_number: '+14155550123',
  ssn: '123-45-6789',
  address: {
    line1: '1 Main Street',
    line2: 'Apartment 4',
    city: 'Springfield',
    state: 'IL',
    postal_code: '62701',
    country: 'US',
  },
  birth_date: { year: 1990, month: 5, day: 17 },
  external_metadata: { loanStage: 'stage-two', group: { name: 'summer-initiative' } },
  open_banking: { end_user: { name: 'Acme Lending', phone: '415-555-0100' } },
  external_id: 'applicant-8841',
};

/** A v2 `User` as Argyle's reference shows one: filled fields, and `null` where nothing is held. */
export function wireUserV2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: USER_ID,
    created_at: '2023-01-30T22:25:38.971Z',
    items_connected: ['item_123456789'],
    employers_connected: ['Whole Goods'],
    external_metadata: { notes: 'In stage 3 of loan approval.' },
    external_id: 'applicant-8841',
    first_name: 'Sarah',
    last_name: 'Longfield',
    email: 'sarah.longfield@example.com',
    phone_number: '+14155550123',
    ssn: null,
    address: { city: null, line1: null, line2: null, state: null, country: null, postal_code: null },
    birth_date: { year: null, month: null, day: null },
    ...overrides,
  };
}

/** A v1 user as Argyle's legacy reference shows one. */
export function wireUserV1(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: USER_ID,
    created_at: '2019-11-27T15:56:50.583Z',
    employers_connected: ['employerCo'],
    data_providers_connected: ['payrollCo'],
    external_metadata: { group_id: 'Group A5' },
    ...overrides,
  };
}

/** A service for tenant `t` (Argyle, pointed at `ORIGIN` unless `baseUrl` is overridden). */
export function argyleService(tenant: Partial<TenantConfigInput> = {}): UserService {
  const config: TenantConfigInput = {
    provider: 'argyle',
    environment: 'sandbox',
    baseUrl: ORIGIN,
    credentials: { ...CREDENTIALS },
    ...tenant,
  };
  if (tenant.baseUrl === undefined && 'baseUrl' in tenant) delete config.baseUrl;
  return createPayrollIdentityWith({ tenants: { t: config } }, [argyleProvider]).forTenant('t');
}
