/**
 * What every benchmark section shares: the BUILT package (never `src/`: a lender runs `dist/`), the
 * tenants' configurations, obviously fake applicants, and how a section reports back to `run.ts`.
 */
import type * as Library from '../src/index.js';

export type Lib = typeof Library;

/** The built package (`npm run build` first; `npm run bench` does). */
export async function loadDist(): Promise<Lib> {
  const url = new URL('../dist/index.js', import.meta.url).href;
  return (await import(url)) as Lib;
}

export const ARGYLE_CREDENTIALS = {
  apiKeyId: 'bench-key-id-not-real',
  apiKeySecret: 'bench-key-secret-not-real',
};
export const TEAL_CREDENTIALS = { apiKey: 'bench-teal-api-key-not-real' };
export const USER_ID = '018051aa-f7a9-a0db-2f38-6cfa325e9d69';

export type Provider = 'argyle' | 'teal';
export const PROVIDERS: readonly Provider[] = ['argyle', 'teal'];

/** One tenant of each provider, pointed at `baseUrl` (the bench server, or anything in-process). */
export function tenantConfig(provider: Provider, baseUrl?: string): Library.TenantConfigInput {
  const common = { environment: 'sandbox' as const, ...(baseUrl ? { baseUrl } : {}) };
  return provider === 'argyle'
    ? { provider: 'argyle', ...common, credentials: { ...ARGYLE_CREDENTIALS } }
    : {
        provider: 'teal',
        ...common,
        credentials: { ...TEAL_CREDENTIALS },
        defaults: { payrollPeriodMonths: 12 },
      };
}

/** A createUser input each provider accepts (fake data only). */
export function createInput(provider: Provider, i = 1): Library.CreateUserInput {
  const common = {
    firstName: 'Jane',
    lastName: 'Roe',
    birthDate: '1990-05-17',
    externalId: `applicant-${i}`,
  };
  return provider === 'argyle'
    ? { ...common, email: 'jane.roe@example.com', phone: '+14155550123' }
    : { ...common, previousPostalCodes: ['SW1A 2AA'] };
}

/** A section prints one JSON line on stdout, last: what `run.ts` collects. */
export function report(result: unknown): void {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

export const MB = 1024 * 1024;
