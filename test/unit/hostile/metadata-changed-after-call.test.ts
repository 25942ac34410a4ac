/**
 * The values a call's provider text is redacted against are gathered when the text is read, except
 * for the caller's own objects (metadata, provider options: passed through, not copied), whose
 * values are taken when the call starts. A caller that changes its metadata object once
 * createUser() has returned its promise (the request already written with the old values) must not
 * get the old values back unredacted when the provider quotes them.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { expect, it } from 'vitest';
import { createPayrollIdentity } from '../../../src/index.js';

it.each([
  ['changed after the call started', true],
  ['left alone (control)', false],
])('a provider error echoing metadata that was sent is redacted: the object %s', async (_, change) => {
  const bodies: string[] = [];
  const transport = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    bodies.push(String(config.data));
    await new Promise((r) => setImmediate(r));
    // Argyle-style 400 that quotes what it received.
    const sent = JSON.parse(String(config.data));
    return {
      status: 400,
      statusText: '',
      headers: { 'content-type': 'application/json' },
      config,
      data: JSON.stringify({
        external_metadata: [`invalid value: ${sent.external_metadata.applicant.note}`],
      }),
    } as AxiosResponse;
  };
  const identity = createPayrollIdentity({
    tenants: {
      t1: {
        provider: 'argyle',
        environment: 'sandbox',
        credentials: { apiKeyId: 'fake-key-id-0000', apiKeySecret: 'fake-key-secret-0000' },
      },
    },
    transport,
  });
  const users = identity.forTenant('t1');
  await users
    .createUser({ firstName: 'Warm', lastName: 'Up', metadata: { applicant: { note: 'x' } } })
    .catch(() => {});
  bodies.length = 0;
  const metadata = { applicant: { note: 'Referred by Wilhelmina Quarterstaff' } };
  const pending = users.createUser({ firstName: 'John', lastName: 'Smith', metadata });
  if (change) metadata.applicant.note = 'n/a'; // the caller reuses its object for the next applicant
  const error = await pending.catch((e) => e);
  expect(bodies[0]).toContain('Wilhelmina Quarterstaff');
  expect(error.code).toBe('invalid_input');
  const shown = JSON.stringify(error) + String(error.message) + JSON.stringify(error.fieldErrors ?? {});
  expect(shown).not.toContain('Wilhelmina');
  await identity.close();
});
