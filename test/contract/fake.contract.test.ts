/**
 * Runs the shared contract against the test-only provider: proves the suite itself works (and can
 * fail) before any real adapter exists, and keeps the core honest for a third provider.
 */
import 'reflect-metadata';
import { createPayrollIdentityWith } from '../../src/container/identity.js';
import { describeUserServiceContract, FAST_RETRY } from '../../src/testing/index.js';
import { fakeProvider } from '../support/fake-provider.js';

const origin = 'https://fake.contract.test';
const identity = createPayrollIdentityWith(
  {
    tenants: {
      t: {
        provider: 'fake',
        environment: 'sandbox',
        baseUrl: origin,
        credentials: { key: 'fake-secret-key' },
        retry: FAST_RETRY,
      },
    },
  },
  [fakeProvider],
);

describeUserServiceContract('fake (test-only provider)', {
  wire: {
    origin,
    service: () => identity.forTenant('t'),
    credentials: ['fake-secret-key'],
    authHeader: { name: 'X-Fake-Key', value: 'fake-secret-key' },
    userId: 'u-1',
    createInput: { email: 'jane@example.com', firstName: 'Jane' },
    updateInput: { email: 'new@example.com' },
    calls: {
      createUser: {
        method: 'POST',
        path: '/users',
        allowedBodyKeys: ['email'],
        requiredBodyKeys: ['email'],
        reply: { status: 200, body: { id: 'u-1' } },
      },
      getUser: {
        method: 'GET',
        path: '/users/u-1',
        reply: { status: 200, body: { id: 'u-1', email: null } },
      },
      deleteUser: { method: 'DELETE', path: '/users/u-1', reply: { status: 204 } },
    },
    errors: [
      {
        operation: 'createUser',
        status: 400,
        body: { message: 'jane@example.com is taken' },
        code: 'invalid_input',
      },
      {
        operation: 'getUser',
        status: 401,
        body: { message: 'bad key fake-secret-key' },
        code: 'authentication_failed',
      },
      { operation: 'getUser', status: 404, body: 'not json at all', code: 'not_found' },
      { operation: 'deleteUser', status: 429, headers: { 'retry-after': '0' }, code: 'rate_limited' },
    ],
  },
});
