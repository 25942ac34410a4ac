/**
 * What an emulator says about itself, made uniform for every provider: its run's credentials with
 * labels, and the tenant configuration that points at it. The command line prints and configures
 * every emulator from these, without knowing any provider.
 */
import { z } from 'zod';
import { showUntrusted } from '../untrusted-text.js';
import type { SandboxCredentialField, SandboxEmulator, SandboxTenantConfig } from './types.js';

/** A label as a tenant's `credentials` key would read: short, printable, no spaces. */
const LABEL = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const CredentialFieldsSchema = z.array(
  z.strictObject({
    label: z.string().max(64).regex(LABEL),
    value: z.string().max(4_096),
    alternative: z.boolean(),
  }),
);

/** Settings a tenant takes as plain data; the core's own four keys are filled in, never taken from here. */
const TenantSettingsSchema = z.record(z.string(), z.unknown());

/** Every string field of `value`, labelled by its key (keys that do not read as a label are left out). */
function stringFields(value: object, alternative: boolean): SandboxCredentialField[] {
  const fields: SandboxCredentialField[] = [];
  for (const [label, field] of Object.entries(value)) {
    if (typeof field === 'string' && label.length <= 64 && LABEL.test(label))
      fields.push({ label, value: field, alternative });
  }
  return fields;
}

/**
 * The run's credentials, labelled: the emulator's own `describeCredentials`, checked (an error names
 * the emulator, never a value), or every string field of the credentials, then of each alternative.
 */
export function describeCredentials<C extends object, Alt extends object>(
  emulator: SandboxEmulator<C, Alt>,
  credentials: C,
  alternativeCredentials: readonly Alt[],
): readonly SandboxCredentialField[] {
  if (!emulator.describeCredentials) {
    return Object.freeze([
      ...stringFields(credentials, false),
      ...alternativeCredentials.flatMap((alternative) => stringFields(alternative, true)),
    ]);
  }
  const described = CredentialFieldsSchema.safeParse(
    emulator.describeCredentials(credentials, alternativeCredentials),
  );
  if (!described.success) {
    throw new Error(
      `startEmulator: describeCredentials of emulator ${showUntrusted(emulator.name)} must return { label, value, alternative } entries`,
    );
  }
  return Object.freeze(described.data.map((field) => Object.freeze(field)));
}

/**
 * Builds `tenant()` for a running emulator: a fresh copy each call, so a caller may change it. The
 * settings are copied once, at start: an emulator whose settings are not plain data fails to start.
 */
export function tenantFactory<C extends object>(
  emulator: SandboxEmulator<C, object>,
  origin: () => string,
  credentials: C,
): () => SandboxTenantConfig {
  const parsed = TenantSettingsSchema.safeParse(emulator.tenantSettings ?? {});
  let settings: Record<string, unknown> | undefined;
  try {
    settings = parsed.success ? structuredClone(parsed.data) : undefined;
  } catch {
    settings = undefined;
  }
  if (settings === undefined) {
    throw new Error(
      `startEmulator: tenantSettings of emulator ${showUntrusted(emulator.name)} must be an object of plain data`,
    );
  }
  const frozen = settings;
  return () => ({
    ...structuredClone(frozen),
    provider: emulator.name,
    environment: 'sandbox',
    baseUrl: origin(),
    credentials: { ...(credentials as Record<string, unknown>) },
  });
}
