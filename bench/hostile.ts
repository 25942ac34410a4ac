/**
 * Section 6 — hostile input: the time to reject the worst 1 MiB string a caller can pass, in every
 * field, key position, user id and tenant id of each provider. Nothing is sent (the transport
 * refuses to be called); what is measured is validation, error building and redaction, which must
 * stay linear (a 128 KiB key once took 18 s).
 */
import { loadDist, PROVIDERS, type Provider, report, tenantConfig } from './lib.js';

const lib = await loadDist();
const MIB = 1 << 20;
const STRINGS: Record<string, string> = {
  letters: 'a'.repeat(MIB),
  ats: '@'.repeat(MIB),
  'a@': 'a@'.repeat(MIB / 2),
  digits: '1'.repeat(MIB),
  mixed: 'a1@.-_ %&;#eyJ+('.repeat(MIB / 16),
};

const identity = lib.createPayrollIdentity({
  tenants: { argyle: tenantConfig('argyle'), teal: tenantConfig('teal') },
  transport: async () => {
    throw new Error('hostile input must be refused before anything is sent');
  },
});

type Probe = (p: Provider, s: string) => Promise<unknown> | unknown;
const PROBES: Record<string, Probe> = {
  'createUser firstName': (p, s) => identity.forTenant(p).createUser({ firstName: s }),
  'createUser email': (p, s) => identity.forTenant(p).createUser({ email: s }),
  'createUser unknown key': (p, s) => identity.forTenant(p).createUser({ [s]: 1 } as never),
  'createUser address key': (p, s) => identity.forTenant(p).createUser({ address: { [s]: 1 } } as never),
  'createUser metadata key': (p, s) => identity.forTenant(p).createUser({ metadata: { [s]: 1 } }),
  'createUser providerOptions key': (p, s) =>
    identity.forTenant(p).createUser({ providerOptions: { [p]: { [s]: 1 } } }),
  'getUser id': (p, s) => identity.forTenant(p).getUser(s),
  'forTenant id': (_p, s) => identity.forTenant(s),
};

const rows: { probe: string; provider: Provider; worstMs: number; worstInput: string }[] = [];
for (const [probe, run] of Object.entries(PROBES)) {
  for (const provider of PROVIDERS) {
    let worst = { ms: 0, input: '' };
    for (const [input, s] of Object.entries(STRINGS)) {
      // Best of 3: the figure is the cost of the input, not of a GC pause that happened to land on it.
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        try {
          await run(provider, s);
          throw new Error(`${probe} accepted a 1 MiB ${input} string`);
        } catch (error) {
          if (!lib.isPayrollIdentityError(error)) throw error;
        }
        best = Math.min(best, performance.now() - t0);
      }
      if (best > worst.ms) worst = { ms: best, input };
    }
    rows.push({ probe, provider, worstMs: worst.ms, worstInput: worst.input });
  }
}
await identity.close();
report({ inputBytes: MIB, rows, worstMs: Math.max(...rows.map((r) => r.worstMs)) });
