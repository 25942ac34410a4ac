/**
 * A provider request id is a header the provider (or anything between) controls, and it reaches
 * the host's hooks, logs and spans on success as well as on failure. On both, it is checked against
 * everything the call carried (the applicant's data as well as the credentials), and a header a
 * custom transport cannot hand back as text is no request id, never a throw after the call succeeded.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { createPayrollIdentity } from '../../../src/index.js';

const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';
const b64 = (text: string) => Buffer.from(text).toString('base64').replace(/=+$/, '');
const APPLICANT = {
  firstName: 'Sarah',
  lastName: 'Longfield',
  birthDate: '1990-05-17',
  nationalId: { type: 'ssn' as const, value: '123-45-6789' },
  email: 'sarah.longfield@example.com',
  phone: '+14155550123',
  externalId: 'applicant-1',
};

/** Request ids that encode the applicant's data in forms the generic shapes alone miss. */
const ENCODED: Record<string, string> = {
  'birth date, compact': '19900517',
  'birth date spelled, base64': b64('17 May 1990'),
  'birth date spelled, base64 after a prefix': `req_${b64('17 May 1990')}`,
  'birth date US order, base64': b64('05171990'),
  'email local part, base64': b64('sarah.longfield 1'),
  'SSN last four as a word, base64': b64('ssn 6789 x'),
};

async function createWith(requestId: unknown, status = 200) {
  const ends: unknown[] = [];
  const lines: unknown[] = [];
  const log = (...args: unknown[]) => lines.push(args);
  const transport = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => ({
    status,
    statusText: '',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId } as AxiosResponse['headers'],
    config,
    data: JSON.stringify(status === 200 ? { id: USER_ID, user_token: 'tok' } : { detail: 'Refused.' }),
  });
  const identity = createPayrollIdentity({
    tenants: {
      t: {
        provider: 'argyle',
        environment: 'sandbox',
        credentials: { apiKeyId: 'key-id-not-real', apiKeySecret: 'key-secret-not-real' },
      },
    },
    transport,
    logger: { debug: log, info: log, warn: log, error: log },
    hooks: { onRequestEnd: (event) => ends.push(event) },
  });
  try {
    const outcome = await identity
      .forTenant('t')
      .createUser(APPLICANT)
      .then(
        (created) => ({ created }),
        (error: unknown) => ({ error }),
      );
    return { outcome, seen: JSON.stringify([ends, lines, outcome]) };
  } finally {
    await identity.close();
  }
}

describe('a request id on a successful call', () => {
  it('an ordinary id reaches the hooks and logs (the check below can see one)', async () => {
    const { outcome, seen } = await createWith('6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e');
    expect(outcome).toHaveProperty('created');
    expect(seen).toContain('6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e');
  });

  for (const [what, id] of Object.entries(ENCODED)) {
    it(`is dropped when it encodes the applicant's data: ${what}`, async () => {
      for (const status of [200, 422]) {
        const { seen } = await createWith(id, status);
        expect(seen).not.toContain(id);
      }
    });
  }

  it('a header value that cannot be read as text is no request id: the create still succeeds, typed', async () => {
    const unreadable = [
      {
        toString() {
          throw new Error('not text');
        },
      },
    ];
    const { outcome } = await createWith(unreadable);
    expect(outcome).toHaveProperty('created');
  });
});
