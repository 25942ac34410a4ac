/**
 * A DELETE the provider carried out but whose answer was lost: the retry meets a 404, which means
 * the first attempt deleted the user. The caller gets success, not a misleading `not_found`; a 404
 * on a first attempt stays `not_found`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayrollIdentity, type PayrollIdentity } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { applicantFor, tenantConfig, VARIANTS } from './support.js';

let sandbox: Sandbox;
let identity: PayrollIdentity;

beforeAll(async () => {
  sandbox = await startSandbox();
  identity = createPayrollIdentity({
    tenants: {
      'argyle-v2': tenantConfig('argyle-v2', sandbox.emulator('argyle')),
      'argyle-v1': tenantConfig('argyle-v1', sandbox.emulator('argyle')),
      teal: tenantConfig('teal', sandbox.emulator('teal')),
    },
  });
});
afterAll(async () => {
  await identity.close();
  await sandbox.close();
});

describe.each(VARIANTS)('%s deleteUser', (variant) => {
  const emulatorName = variant === 'teal' ? 'teal' : 'argyle';

  it('answer lost after the user was deleted → the retry sees 404 → success, user gone', async () => {
    const users = identity.forTenant(variant);
    const { user } = await users.createUser(applicantFor(variant, `del-${variant}`));
    const emulator = sandbox.emulator(emulatorName);
    const before = emulator.userCount();
    emulator.faults.next({ kind: 'drop-after', count: 1, method: 'DELETE' });
    await expect(users.deleteUser(user.id)).resolves.toBeUndefined();
    expect(emulator.userCount()).toBe(before - 1);
    await expect(users.getUser(user.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a 404 on the first attempt is still not_found', async () => {
    const users = identity.forTenant(variant);
    await expect(users.deleteUser('00000000-0000-4000-8000-00000000dead')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
