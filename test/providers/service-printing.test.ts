/**
 * Printing a UserService never shows a credential (issue 11 §2): the services keep their tenant
 * configuration and HTTP client in `#private` fields and show `{ tenant, provider }` only, under
 * every way a host might print or copy one. One case per built-in provider and auth form.
 */
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { argyleProvider } from '../../providers/argyle/index.js';
import { tealProvider } from '../../providers/teal/index.js';
import { createPayrollIdentityWith, type TenantConfigInput } from '../../src/container/identity.js';

const ARGYLE = { apiKeyId: 'argyle-key-id-print-7f3a9c', apiKeySecret: 'argyle-key-secret-print-2b8d4e' };
const BASIC = Buffer.from(`${ARGYLE.apiKeyId}:${ARGYLE.apiKeySecret}`).toString('base64');
const TEAL_KEY = 'teal-api-key-print-5c1e7a';
const TEAL_BEARER = 'teal-bearer-print-9d2f6b';

const cases: [string, TenantConfigInput, Record<string, string>, string[]][] = [
  [
    'argyle v2 (API key id + secret)',
    { provider: 'argyle', environment: 'sandbox', credentials: { ...ARGYLE } },
    { tenant: 'print-argyle-v2', provider: 'argyle', apiVersion: 'v2' },
    [ARGYLE.apiKeyId, ARGYLE.apiKeySecret, BASIC],
  ],
  [
    'argyle v1 (API key id + secret)',
    { provider: 'argyle', apiVersion: 'v1', environment: 'sandbox', credentials: { ...ARGYLE } },
    { tenant: 'print-argyle-v1', provider: 'argyle', apiVersion: 'v1' },
    [ARGYLE.apiKeyId, ARGYLE.apiKeySecret, BASIC],
  ],
  [
    'teal (API key)',
    {
      provider: 'teal',
      environment: 'sandbox',
      credentials: { apiKey: TEAL_KEY },
      defaults: { payrollPeriodMonths: 12 },
    },
    { tenant: 'print-teal-key', provider: 'teal' },
    [TEAL_KEY],
  ],
  [
    'teal (member bearer token)',
    { provider: 'teal', environment: 'sandbox', credentials: { bearerToken: TEAL_BEARER } },
    { tenant: 'print-teal-bearer', provider: 'teal' },
    [TEAL_BEARER],
  ],
];

/** Every way a host might print or copy the service. */
function renderings(service: object): string[] {
  const clone = structuredClone(service);
  return [
    inspect(service, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(service, { depth: Number.POSITIVE_INFINITY, showHidden: true, customInspect: false }),
    inspect(service, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
    format('%o %O %s %j', service, service, service, service),
    JSON.stringify(service),
    String(service),
    inspect(clone, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(clone),
  ];
}

describe('printing a UserService shows no credential', () => {
  it.each(cases)('%s', async (_what, tenantConfig, summary, secrets) => {
    const identity = createPayrollIdentityWith({ tenants: { [summary.tenant!]: tenantConfig } }, [
      argyleProvider,
      tealProvider,
    ]);
    try {
      const service = identity.forTenant(summary.tenant!);
      // Make sure the client exists and has been used to build its headers (nothing is sent: the
      // call is refused before any request).
      await service.getUser('../not-an-id').catch(() => undefined);
      for (const text of renderings(service)) {
        for (const secret of secrets) expect(text, 'a credential in a printed service').not.toContain(secret);
      }
      expect(JSON.parse(JSON.stringify(service))).toEqual(summary);
      const printed = inspect(service, { depth: Number.POSITIVE_INFINITY, showHidden: true });
      expect(printed).toContain(summary.tenant);
      expect(printed).toContain(summary.provider);
      // The clone is plain data: no client, no configuration (provider and capabilities are read
      // from the tenant's current configuration, not held).
      expect(Object.keys(structuredClone(service)).sort()).toEqual(['tenant']);
    } finally {
      await identity.close();
    }
  });

  it('the scan can fail: a credential planted in a rendering is found', () => {
    const planted = { note: `x${TEAL_KEY}y` };
    expect(renderings(planted).some((t) => t.includes(TEAL_KEY))).toBe(true);
  });
});
