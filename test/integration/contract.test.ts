/**
 * The shared `UserService` contract (issue 5), live section: the whole lifecycle over real HTTP
 * against the embedded sandbox, for Argyle v2, Argyle v1 and Teal.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { RunningEmulator } from '../../src/sandbox/types.js';
import { describeUserServiceContract, type LiveHarness } from '../../src/testing/index.js';
import type { CreateUserInput, UpdateUserInput, User } from '../../src/user.js';
import {
  credentialValues,
  personalValues,
  tenantConfig,
  ukApplicant,
  usApplicant,
  type Variant,
} from '../resilience/support.js';

let sandbox: Sandbox;
const identities: PayrollIdentity[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await Promise.all(identities.map((i) => i.close()));
  await sandbox?.close();
});

const emulatorOf = (v: Variant): RunningEmulator<object, object> =>
  v === 'teal' ? sandbox.teal : sandbox.argyle;

function serviceFor(variant: Variant, credentials?: Record<string, string>) {
  const config = tenantConfig(variant, emulatorOf(variant));
  const identity = createPayrollIdentity({
    tenants: { live: credentials ? { ...config, credentials } : config },
  });
  identities.push(identity);
  return identity.forTenant('live');
}

/** Wrong credentials of the right shape. */
function wrongCredentials(variant: Variant): Record<string, string> {
  return variant === 'teal'
    ? { apiKey: 'sandbox-key-wrong-0000000000000000' }
    : { apiKeyId: 'wrong-id-00000000', apiKeySecret: 'wrong-secret-00000000' };
}

function harness(
  variant: Variant,
  createInput: CreateUserInput,
  updateInput: UpdateUserInput,
  expectStored: (user: User, input: CreateUserInput | UpdateUserInput) => void,
): LiveHarness {
  return {
    service: () => serviceFor(variant),
    badCredentialsService: () => serviceFor(variant, wrongCredentials(variant)),
    createInput,
    updateInput,
    get secrets() {
      return [
        ...credentialValues(emulatorOf(variant)),
        ...personalValues(createInput),
        ...personalValues(updateInput),
      ];
    },
    expectStored,
  };
}

describeUserServiceContract('Argyle v2 (sandbox)', {
  live: harness(
    'argyle-v2',
    usApplicant(1, 'applicant-live-v2'),
    { email: 'sarah.new@example.com', lastName: 'Newfield' },
    (user, input) => {
      if (input.email !== undefined) expect(user.email).toBe(input.email);
      if (input.lastName !== undefined) expect(user.lastName).toBe(input.lastName);
      if ('firstName' in input && input.firstName !== undefined) expect(user.firstName).toBe(input.firstName);
      if ('birthDate' in input && input.birthDate) expect(user.birthDate).toBe(input.birthDate);
      if (input.externalId !== undefined) expect(user.externalId).toBe(input.externalId);
    },
  ),
});

describeUserServiceContract('Argyle v1 (sandbox)', {
  live: harness(
    'argyle-v1',
    { ...usApplicant(2), metadata: { loanStage: 'stage-kilo-first' } },
    { metadata: { loanStage: 'stage-kilo-second' } },
    (user, input) => {
      expect(user.metadata).toEqual(input.metadata);
    },
  ),
});

describeUserServiceContract('Teal (sandbox)', {
  live: harness('teal', ukApplicant(3, 'applicant-live-teal'), { lastName: 'Smithers' }, (user, input) => {
    if (input.lastName !== undefined) expect(user.lastName).toBe(input.lastName);
    if ('birthDate' in input && input.birthDate) expect(user.birthDate).toBe(input.birthDate);
    if (input.nationalId && input.nationalId !== null) expect(user.nationalId).toEqual(input.nationalId);
  }),
});
