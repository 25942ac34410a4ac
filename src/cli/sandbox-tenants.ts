/**
 * Tenant configuration pointing at a running embedded sandbox: what `demo` uses, and what `sandbox`
 * prints for people to save as their own `tenants.yaml`. One tenant per running emulator, named
 * `demo-<provider>`, as the emulator describes it (`RunningEmulator.tenant()`).
 */
import { stringify } from 'yaml';
import type { TenantConfigInput } from '../container/identity.js';
import type { RunningEmulator, Sandbox } from '../sandbox/index.js';

export type RunningSandbox = Sandbox;

/** The id of the tenant pointed at `provider`'s emulator. */
export function demoTenantId(provider: string): string {
  return `demo-${provider}`;
}

/** One tenant per running emulator (or per emulator `include` keeps), in registration order. */
export function sandboxTenants(
  sandbox: RunningSandbox,
  include: (emulator: RunningEmulator<object, object>) => boolean = () => true,
): { tenants: Record<string, TenantConfigInput> } {
  const tenants: Record<string, TenantConfigInput> = {};
  for (const emulator of sandbox.emulators.values()) {
    if (include(emulator)) tenants[demoTenantId(emulator.name)] = emulator.tenant();
  }
  return { tenants };
}

/**
 * The same configuration as YAML, ready for `users --config`; with the provider modules the sandbox
 * was started with (absolute paths), so that their tenants load too.
 */
export function sandboxTenantsYaml(sandbox: RunningSandbox, providerModules: readonly string[] = []): string {
  return stringify({
    ...(providerModules.length > 0 && { providerModules: [...providerModules] }),
    ...sandboxTenants(sandbox),
  });
}
