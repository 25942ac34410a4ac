/**
 * Tenant configuration pointing at a running embedded sandbox: what `demo` uses, and what
 * `sandbox` prints for people to save as their own `tenants.yaml`.
 */
import { stringify } from 'yaml';
import type { PayrollIdentityConfig } from '../container/identity.js';
import type { startSandbox } from '../sandbox/index.js';
import { DEMO_TENANTS } from './demo/fixtures.js';

export type RunningSandbox = Awaited<ReturnType<typeof startSandbox>>;

export function sandboxTenants(sandbox: RunningSandbox): PayrollIdentityConfig {
  return {
    tenants: {
      [DEMO_TENANTS.argyle]: {
        provider: 'argyle',
        environment: 'sandbox',
        baseUrl: sandbox.argyle.baseUrl,
        credentials: { ...sandbox.argyle.credentials },
      },
      [DEMO_TENANTS.teal]: {
        provider: 'teal',
        environment: 'sandbox',
        baseUrl: sandbox.teal.baseUrl,
        credentials: { ...sandbox.teal.credentials },
      },
    },
  };
}

/** The same configuration as YAML, ready for `users --config`. */
export function sandboxTenantsYaml(sandbox: RunningSandbox): string {
  return stringify(sandboxTenants(sandbox));
}
