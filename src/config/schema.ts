/**
 * The configuration schema: a record of tenants, each a discriminated union on `provider` whose
 * branches are built from the registered provider definitions (so a new provider brings its own
 * credential shape). Every problem is reported at once, by tenant and field, never with its value.
 */
import { z } from 'zod';
import { type ConfigurationProblem, InvalidConfigurationError } from '../errors.js';
import { DEFAULT_CIRCUIT_BREAKER } from '../http/circuit.js';
import { DEFAULT_RETRY } from '../http/retry-policy.js';
// A cycle (secret.ts builds on `secretString`), safe: each side uses the other only inside functions.
import { Secret } from '../http/secret.js';
import { baseUrlProblem } from '../http/url.js';
import type { BaseTenantConfig, ProviderDefinition } from '../provider/definition.js';
import { issuePath } from '../validation.js';
import { plainDataProblems, problemLocation } from './plain-data.js';

/** A tenant's default `timeoutMs`: the deadline of one call, retries included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A tenant's default `maxResponseBytes` (10 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const ms = (max: number) =>
  z.number('must be a number of milliseconds').int('must be a whole number').min(0).max(max);

/** The tenant's retry policy (docs/reliability.md); every field has a default. */
export const retryShape = z
  .strictObject({
    /** Retries after the first attempt (0 disables retrying). */
    maxRetries: z
      .number('must be a number')
      .int('must be a whole number')
      .min(0)
      .max(10)
      .default(DEFAULT_RETRY.maxRetries),
    /** Scale of the first backoff delay. */
    baseDelayMs: ms(60_000).default(DEFAULT_RETRY.baseDelayMs),
    /** Largest backoff delay. */
    maxDelayMs: ms(300_000).default(DEFAULT_RETRY.maxDelayMs),
    /** Longest `Retry-After` the client waits for. */
    maxRetryAfterMs: ms(600_000).default(DEFAULT_RETRY.maxRetryAfterMs),
    /** Deadline of one attempt, inside the call's. */
    attemptTimeoutMs: ms(600_000).min(1).optional(),
  })
  .prefault({});

/** The tenant's circuit breaker (docs/reliability.md); every field has a default. */
export const circuitBreakerShape = z
  .strictObject({
    /** `false` turns the breaker off. */
    enabled: z.boolean('must be true or false').default(DEFAULT_CIRCUIT_BREAKER.enabled),
    /** Consecutive failed attempts that open the circuit. */
    threshold: z
      .number('must be a number')
      .int('must be a whole number')
      .min(1)
      .max(1_000)
      .default(DEFAULT_CIRCUIT_BREAKER.threshold),
    /** How long the circuit stays open before a probe. */
    halfOpenAfterMs: ms(3_600_000).min(1).default(DEFAULT_CIRCUIT_BREAKER.halfOpenAfterMs),
  })
  .prefault({});

/** Most webhook secrets a tenant may list (the current one and those being rotated out). */
export const MAX_WEBHOOK_SECRETS = 5;

/** Why a secret of `webhooks.secret` is refused (`where`: its position in a list), never echoing it. */
function webhookSecretProblem(value: string, where: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0) return `webhooks.secret${where} must not be empty`;
  if (trimmed.length < MIN_SECRET_LENGTH) {
    return `webhooks.secret${where} looks too short to be a secret (under ${MIN_SECRET_LENGTH} characters)`;
  }
  return undefined;
}

/** The base64 (standard alphabet, padded) of exactly 32 bytes: 43 characters and one `=`. */
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * A tenant's `webhooks`: the secret deliveries are signed with (a list during a rotation: each is
 * tried, the first is the one new subscriptions get) and, for a provider that encrypts deliveries,
 * the AES-256 key. Every value is validated like a credential, never echoed, and held as a `Secret`.
 */
export const webhooksShape = z.strictObject({
  /** One secret, or a list of at most `MAX_WEBHOOK_SECRETS` (the first is sent when subscribing). */
  secret: z
    .union([z.string(), z.array(z.string()).max(MAX_WEBHOOK_SECRETS * 4)], {
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : `webhooks.secret must be a string or a list of at most ${MAX_WEBHOOK_SECRETS} strings`,
    })
    .superRefine((value, ctx) => {
      if (typeof value === 'string') {
        const problem = webhookSecretProblem(value, '');
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
        return;
      }
      if (value.length === 0) ctx.addIssue({ code: 'custom', message: 'webhooks.secret must list a secret' });
      if (value.length > MAX_WEBHOOK_SECRETS) {
        ctx.addIssue({
          code: 'custom',
          message: `webhooks.secret lists ${value.length} secrets; at most ${MAX_WEBHOOK_SECRETS} (a rotation needs two)`,
        });
        return;
      }
      value.forEach((secret, index) => {
        const problem = webhookSecretProblem(secret, `[${index}]`);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      });
      const distinct = new Set(value.map((secret) => secret.trim()));
      if (distinct.size < value.length) {
        ctx.addIssue({ code: 'custom', message: 'webhooks.secret lists the same secret twice' });
      }
    })
    .transform((value): readonly Secret[] =>
      Object.freeze((typeof value === 'string' ? [value] : value).map((s) => new Secret(s.trim()))),
    ),
  /** AES-256-GCM key of encrypted deliveries: the base64 of 32 random bytes (`openssl rand -base64 32`). */
  encryptionKey: z
    .string('webhooks.encryptionKey must be a string')
    .trim()
    .superRefine((value, ctx) => {
      if (!BASE64_32_BYTES.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'webhooks.encryptionKey must be the base64 of exactly 32 bytes (44 characters ending in "="; e.g. `openssl rand -base64 32`)',
        });
      }
    })
    .transform((value) => new Secret(value))
    .optional(),
});

/** What a configuration field name looks like (`apiKeySecret`, `payrollPeriodMonths`). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const TENANT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Settings every tenant shares, whatever its provider. */
export const sharedTenantShape = {
  /** `sandbox` or `production`: selects the provider's base URL. */
  environment: z.enum(['sandbox', 'production'], 'must be "sandbox" or "production"'),
  /** Overrides the provider's base URL (https, or http on loopback). */
  baseUrl: z
    .string('must be a string')
    .superRefine((value, ctx) => {
      const problem = baseUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** What happens to a field the provider cannot store. */
  unsupportedFields: z.enum(['drop', 'reject'], 'must be "drop" or "reject"').default('drop'),
  /** Deadline of one call, retries included, in milliseconds. */
  timeoutMs: z.number().int().min(1).max(600_000).default(DEFAULT_TIMEOUT_MS),
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(DEFAULT_MAX_RESPONSE_BYTES),
  /** The retry policy. */
  retry: retryShape,
  /** The circuit breaker. */
  circuitBreaker: circuitBreakerShape,
  /** Webhook secrets (and encryption key), for `parseWebhook` and subscriptions (docs/webhooks.md). */
  webhooks: webhooksShape.optional(),
};

/** Control characters (C0, DEL, C1): never part of a credential. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Shortest credential accepted: a shorter one is a placeholder or a typo, and would be too short to redact. */
export const MIN_SECRET_LENGTH = 8;

/**
 * A string credential of at least `MIN_SECRET_LENGTH` (8) characters; its value is never echoed in
 * an error. The length floor matters for safety too: redaction of exact values needs a value long
 * enough not to match ordinary words, so a 2-character "key" could not be scrubbed reliably.
 */
export const secretString = (name: string) =>
  z
    .string(`${name} must be a string`)
    .trim()
    // One check, so that an empty value gets one problem, not also "too short"; and not an aborting
    // one (`abort: true`), which would make a union of credential shapes (Teal's) hide the reason.
    .superRefine((value, ctx) => {
      if (value.length === 0) ctx.addIssue({ code: 'custom', message: `${name} must not be empty` });
      else if (CONTROL_CHARACTER.test(value)) {
        // A line break in a header credential would be altered or refused on the way out: another
        // key than the one configured would be sent.
        ctx.addIssue({
          code: 'custom',
          message: `${name} must not contain control characters (such as a line break)`,
        });
      } else if (value.length < MIN_SECRET_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} looks too short to be a credential (under ${MIN_SECRET_LENGTH} characters)`,
        });
      }
    });

/** Most providers a tenant may retain (it moved between this many providers before). */
export const MAX_RETAINED_PROVIDERS = 8;

function tenantSchema(definitions: readonly ProviderDefinition[]) {
  const names = definitions.map((d) => `"${d.name}"`).join(', ');
  const union = <T extends z.ZodObject[]>(branches: T) => {
    const [first, ...rest] = branches;
    if (!first) throw new Error('no provider is registered');
    return z.discriminatedUnion('provider', [first, ...rest], {
      error: (issue) => (issue.code === 'invalid_union' ? `provider must be one of ${names}` : undefined),
    });
  };
  const branch = (d: ProviderDefinition) => ({
    provider: z.literal(d.name),
    ...sharedTenantShape,
    ...d.tenantShape,
  });
  // A retained provider is configured like a tenant's provider (it cannot retain others itself).
  const retained = union(definitions.map((d) => z.strictObject(branch(d))));
  return union(
    definitions.map((d) =>
      z.strictObject({
        ...branch(d),
        /** Providers the tenant used before, whose users stay reachable by reference. */
        retainedProviders: z.array(retained).max(MAX_RETAINED_PROVIDERS).optional(),
      }),
    ),
  );
}

/** A retained provider must be another provider than the current one and than the other retained ones. */
function retainedProblems(
  tenant: string,
  config: BaseTenantConfig & { retainedProviders?: BaseTenantConfig[] },
) {
  const problems: ConfigurationProblem[] = [];
  const seen = new Set([config.provider]);
  (config.retainedProviders ?? []).forEach((retained, index) => {
    if (seen.has(retained.provider)) {
      problems.push({
        tenant,
        field: `retainedProviders.${index}.provider`,
        reason:
          retained.provider === config.provider
            ? 'is the tenant’s current provider (a user reference names a provider, so each may appear once)'
            : 'appears twice (a user reference names a provider, so each may appear once)',
      });
    }
    seen.add(retained.provider);
  });
  return problems;
}

/** The plain-data part of the configuration (what a YAML or JSON file holds). */
export interface TenantsConfigInput {
  tenants: Record<string, Record<string, unknown>>;
}

/** Why a tenant id is refused (the id itself is shown escaped and cut, never whole). */
const TENANT_ID_RULE = 'tenant ids use letters, digits, ".", "_", ":" and "-" (at most 128)';

function problemsFrom(error: z.ZodError): ConfigurationProblem[] {
  return error.issues.flatMap((issue): ConfigurationProblem[] => {
    const path = issue.path.map(String);
    const [root, tenant] = path;
    if (root !== 'tenants' || tenant === undefined) {
      return [{ field: issuePath(issue.path) || '(root)', reason: issue.message }];
    }
    if (issue.code === 'invalid_key') {
      return [{ ...problemLocation(path.slice(0, 2)), field: '(tenant id)', reason: TENANT_ID_RULE }];
    }
    if (issue.code === 'unrecognized_keys') {
      // A key is text the host typed: under credentials or webhooks it may be a secret itself (YAML
      // reads `{apiKeySecret:live-…}` as one key), and elsewhere a key that is no field name may be a
      // value typed in the wrong place. Such keys are not echoed.
      const secretBearing = path.includes('credentials') || path.includes('webhooks');
      const shown = issue.keys.map((key) =>
        secretBearing || !FIELD_NAME.test(key) ? '(an unknown key)' : key,
      );
      return [...new Set(shown)].map((key) => ({
        ...problemLocation([...path, key]),
        reason: 'unknown field',
      }));
    }
    const reason = /received undefined/.test(issue.message) ? 'is required' : issue.message;
    return [{ ...problemLocation(path), reason }];
  });
}

/**
 * Validates the tenants against the registered providers and applies defaults: each tenant on its
 * own, so that one tenant's problems never hide another's. Returns the valid tenants and every
 * problem found (see {@link validateTenants} for the throwing form).
 */
export function checkTenants(
  input: unknown,
  definitions: readonly ProviderDefinition[],
): { tenants: Map<string, BaseTenantConfig>; problems: ConfigurationProblem[] } {
  const data =
    typeof input === 'object' && input !== null && 'tenants' in input
      ? { tenants: (input as TenantsConfigInput).tenants }
      : input;
  const tenants = new Map<string, BaseTenantConfig>();
  // Before the schema reads anything: a `__proto__` key or an inherited field would fool it.
  const unsafe = plainDataProblems((data as { tenants?: unknown } | null)?.tenants, ['tenants']);
  if (unsafe.length > 0) return { tenants, problems: unsafe };
  const top = z.strictObject({ tenants: z.record(z.string(), z.unknown()) }).safeParse(data);
  if (!top.success) return { tenants, problems: problemsFrom(top.error) };
  const entry = tenantSchema(definitions);
  const problems: ConfigurationProblem[] = [];
  for (const [tenant, raw] of Object.entries(top.data.tenants)) {
    if (!TENANT_ID_RE.test(tenant)) {
      problems.push({
        ...problemLocation(['tenants', tenant]),
        field: '(tenant id)',
        reason: TENANT_ID_RULE,
      });
      continue;
    }
    const result = entry.safeParse(raw);
    if (!result.success) {
      problems.push(
        ...problemsFrom(
          new z.ZodError(
            result.error.issues.map((issue) => ({ ...issue, path: ['tenants', tenant, ...issue.path] })),
          ),
        ),
      );
      continue;
    }
    const { retainedProviders, ...current } = result.data as Omit<BaseTenantConfig, 'tenant'> & {
      retainedProviders?: Omit<BaseTenantConfig, 'tenant'>[];
    };
    // Object.assign, not `{ ...current, tenant }`: a spread followed by more properties is a slow
    // path in Node 20's V8, and these objects live as long as the identity (docs/performance.md).
    // Their keys are the schema's (a `__proto__` key was refused above).
    const config: BaseTenantConfig & { retainedProviders?: BaseTenantConfig[] } = Object.assign({}, current, {
      tenant,
    });
    if (retainedProviders !== undefined && retainedProviders.length > 0) {
      config.retainedProviders = retainedProviders.map((r) => Object.assign({}, r, { tenant }));
      const found = retainedProblems(tenant, config);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
    }
    tenants.set(tenant, config);
  }
  return { tenants, problems };
}

/**
 * Validates the tenants against the registered providers and applies defaults. Throws one
 * `InvalidConfigurationError` that lists every problem.
 */
export function validateTenants(
  input: unknown,
  definitions: readonly ProviderDefinition[],
): Map<string, BaseTenantConfig> {
  const { tenants, problems } = checkTenants(input, definitions);
  if (problems.length > 0) throw InvalidConfigurationError.of(problems);
  return tenants;
}
