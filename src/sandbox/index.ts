/**
 * `payroll-identity/sandbox`: local, stateful emulators of every built-in provider's user API, on
 * free loopback ports, for your own tests (and the library's).
 *
 * @example
 * ```ts
 * import { startSandbox } from 'payroll-identity/sandbox';
 * const sandbox = await startSandbox();
 * const identity = createPayrollIdentity({ tenants: {
 *   us: { provider: 'argyle', environment: 'sandbox', baseUrl: sandbox.argyle.baseUrl, credentials: sandbox.argyle.credentials },
 *   uk: { provider: 'teal', environment: 'sandbox', baseUrl: sandbox.teal.baseUrl, credentials: sandbox.teal.credentials },
 * } });
 * // …
 * await sandbox.close();
 * ```
 *
 * The emulators come from the built-in provider definitions (`ProviderDefinition.sandbox`), so the
 * sandbox learns about a new provider the same way the library does. Every running emulator is in
 * `sandbox.emulators`, and describes itself there (`credentialFields`, `tenant()`, `demo`);
 * `sandbox.argyle` and `sandbox.teal` are typed shortcuts into that map.
 */
import { z } from 'zod';
import { BUILT_IN_PROVIDERS } from '../providers.js';
import { startEmulator } from './server.js';
import type { DeliveryReport, EmulatorStartOptions, RunningEmulator, SandboxEmulator } from './types.js';

/** Helpers for an emulator's credentials and ids: unguessable per-run secrets, base64url text. */
export { base64Url, randomSecret } from './random.js';
export { startEmulator } from './server.js';
export type {
  DeliveryAttempt,
  DeliveryError,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryReport,
  DeliveryResult,
  EmulatorContext,
  EmulatorStartOptions,
  EmulatorState,
  EmulatorWebhooks,
  Fault,
  FaultController,
  FaultKind,
  FaultOptions,
  FaultRequest,
  OutgoingWebhook,
  QueuedFault,
  RecordedRequest,
  RunningEmulator,
  SandboxCredentialField,
  SandboxDemoPlan,
  SandboxEmulator,
  SandboxGuard,
  SandboxHandler,
  SandboxMethod,
  SandboxReply,
  SandboxRequest,
  SandboxRequestHead,
  SandboxRouter,
  SandboxTenantConfig,
  WebhookDeliveryOptions,
  WebhookPlan,
  WebhookRequest,
} from './types.js';
/** Sends one webhook with retries (what the emulators' simulations use), loopback hosts only by default. */
export { type DeliverWebhookOptions, deliverWebhook } from './webhooks.js';

/** Argyle tenant credentials (Basic auth `api_key_id:api_key_secret`). */
export const ArgyleSandboxCredentialsSchema = z.strictObject({
  /** The run's API key id (random per start). */
  apiKeyId: z.string(),
  /** The run's API key secret (random per start). */
  apiKeySecret: z.string(),
});
/** Teal tenant credentials by API key (`X-API-KEY`). */
export const TealSandboxCredentialsSchema = z.strictObject({
  /** The run's API key (random per start). */
  apiKey: z.string(),
});
/** Teal tenant credentials by member bearer token. */
export const TealSandboxBearerSchema = z.strictObject({
  /** The run's member bearer token (random per start). */
  bearerToken: z.string(),
});

/** The Argyle emulator's credentials, in the shape an Argyle tenant's `credentials` takes. */
export type ArgyleSandboxCredentials = z.output<typeof ArgyleSandboxCredentialsSchema>;
/** The Teal emulator's API key, in the shape a Teal tenant's `credentials` takes. */
export type TealSandboxCredentials = z.output<typeof TealSandboxCredentialsSchema>;
/** The Teal emulator's member bearer token, in the shape a Teal tenant's `credentials` takes. */
export type TealSandboxBearer = z.output<typeof TealSandboxBearerSchema>;

type AnyRunning = RunningEmulator<object, object>;

/** The Argyle emulator, with its webhook shortcut. */
export interface ArgyleSandbox extends RunningEmulator<ArgyleSandboxCredentials, never> {
  /**
   * Simulates the applicant connecting their payroll account: `accounts.added`, `accounts.connected`
   * and `users.fully_synced` for `userId` (one fake account id for the three), each to the
   * subscriptions that asked for it. The same as `simulate('connection', userId)`.
   */
  simulateConnection(userId: string): Promise<DeliveryReport>;
}

/** The Teal emulator, with its webhook shortcut. */
export interface TealSandbox extends RunningEmulator<TealSandboxCredentials, TealSandboxBearer> {
  /**
   * Simulates the applicant submitting their payroll: `user-payroll-submitted` for `userId` to the
   * subscriptions that asked for it. The same as `simulate('user-payroll-submitted', userId)`.
   */
  simulatePayrollSubmission(userId: string): Promise<DeliveryReport>;
}

/**
 * The Teal emulator's own options (`startSandbox({ emulators: { teal: { options } } })`). The
 * defaults follow Teal's documents; each other value is behaviour the documents do not give, chosen
 * on purpose for a test. docs/sandbox.md, "Emulator options".
 */
export interface TealEmulatorOptions {
  /**
   * When `POST /users` is refused as a duplicate (409 ConflictedResource). Teal documents the 409
   * but not which fields make a user "already exist". `'none'` (default): never. `'name-and-birth-date'`:
   * when forename, surname and date of birth match a stored user (names case- and
   * surrounding-space-insensitive, the date by day).
   */
  duplicateRule?: 'none' | 'name-and-birth-date';
  /**
   * Body fields and query parameters Teal's document does not list. `'ignore'` (default): dropped,
   * as the document's schemas allow other properties; `'reject'`: 400 naming each.
   */
  unknownFields?: 'ignore' | 'reject';
}

/**
 * The Argyle emulator's own options (`startSandbox({ emulators: { argyle: { options } } })`). The
 * defaults follow Argyle's documents. docs/sandbox.md, "Emulator options".
 */
export interface ArgyleEmulatorOptions {
  /**
   * Body fields (nested ones included) and query parameters Argyle's documents do not list.
   * `'ignore'` (default): dropped, as the document's schemas allow other properties; `'reject'`:
   * 400 `{"<field>": ["Unknown field."]}` / `["Unknown query parameter."]`.
   */
  unknownFields?: 'ignore' | 'reject';
  /**
   * The shape of a legacy `GET /v1/users` answer, which v1 does not settle (its prose says an object
   * with `results`, its example a bare array). `'envelope'` (default): `{next, previous, results}`
   * with cursors; `'bare-array'`: the page's users as a JSON array, with no way to a next page.
   */
  v1ListShape?: 'envelope' | 'bare-array';
  /**
   * At most this many users on a `GET /v1/users` page, whatever `limit` asks (1–200): a server that
   * caps its pages (v1 documents no maximum). Default: no cap but the 200 `limit` allows.
   */
  v1PageCap?: number;
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /**
   * Options per emulator, keyed by provider name:
   * `{ argyle: { faults: { errorRate: 0.1 } }, teal: { options: { duplicateRule: 'name-and-birth-date' } } }`.
   */
  emulators?: {
    /** Options of the Argyle emulator. */
    readonly argyle?: EmulatorStartOptions<ArgyleEmulatorOptions>;
    /** Options of the Teal emulator. */
    readonly teal?: EmulatorStartOptions<TealEmulatorOptions>;
    readonly [provider: string]: EmulatorStartOptions | undefined;
  };
  /** Emulators to run besides the built-ins' (e.g. your own provider's); one with a built-in's name replaces it. */
  extraEmulators?: readonly SandboxEmulator[];
  /**
   * Runs the emulators on consecutive ports from this one, in registration order: the built-in
   * providers' in the order the library registers them, then `extraEmulators` in the order given
   * (one that replaces a built-in takes the built-in's place). A `port` in `emulators` wins. Free
   * ports when absent.
   */
  firstPort?: number;
}

/** The running emulators, from {@link startSandbox}. */
export interface Sandbox {
  /** The Argyle emulator (v2 and v1 routes). Throws when the sandbox runs no `argyle` emulator. */
  readonly argyle: ArgyleSandbox;
  /**
   * `credentials` is the API key; `alternativeCredentials[0]` the member bearer token. Throws when the
   * sandbox runs no `teal` emulator.
   */
  readonly teal: TealSandbox;
  /** Every running emulator by provider name, in registration order, extra ones included. */
  readonly emulators: ReadonlyMap<string, AnyRunning>;
  /** The running emulator of `name`; throws when there is none. */
  emulator(name: string): AnyRunning;
  /** Stops every emulator (connections included). */
  close(): Promise<void>;
}

/**
 * Starts one emulator per built-in provider (plus `extraEmulators`) on 127.0.0.1, each on a free
 * port (or on consecutive ports from `firstPort`), with fresh random credentials. Close it when done.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ emulators: { teal: { faults: { latencyMs: 50 } } } });
 * const identity = createPayrollIdentity({ tenants: {
 *   uk: { provider: 'teal', environment: 'sandbox', baseUrl: sandbox.teal.baseUrl, credentials: sandbox.teal.credentials },
 * } });
 * sandbox.teal.faults.next({ kind: 'rate-limit', method: 'POST', path: '/users' });
 * // … exercise your code, then:
 * await identity.close();
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const emulators = await collectEmulators(options.extraEmulators ?? []);
  const unknown = Object.keys(options.emulators ?? {}).filter((name) => !emulators.has(name));
  if (unknown.length > 0) throw new Error(`startSandbox: no emulator named ${unknown.join(', ')}`);
  const ports = portsFrom(options.firstPort, [...emulators.keys()]);

  const running = new Map<string, AnyRunning>();
  try {
    for (const [name, emulator] of emulators) {
      const port = ports.get(name);
      const own = options.emulators?.[name];
      running.set(name, await startEmulator(emulator, port !== undefined ? { port, ...own } : own));
    }
  } catch (error) {
    await Promise.allSettled([...running.values()].map((r) => r.close()));
    throw error;
  }
  const close = async () => {
    await Promise.all([...running.values()].map((r) => r.close()));
  };
  // The typed shortcuts' credentials are checked, not cast: a drifting emulator fails loudly on first
  // use of its shortcut. Everything else works from the map, so a sandbox whose `argyle` or `teal`
  // is missing or replaced still runs.
  let argyle: ArgyleSandbox | undefined;
  let teal: TealSandbox | undefined;
  return {
    get argyle() {
      if (!argyle) {
        const emulator = typed(required(running, 'argyle'), ArgyleSandboxCredentialsSchema, z.never());
        argyle = { ...emulator, simulateConnection: (userId) => emulator.simulate('connection', userId) };
      }
      return argyle;
    },
    get teal() {
      if (!teal) {
        const emulator = typed(
          required(running, 'teal'),
          TealSandboxCredentialsSchema,
          TealSandboxBearerSchema,
        );
        teal = {
          ...emulator,
          simulatePayrollSubmission: (userId) => emulator.simulate('user-payroll-submitted', userId),
        };
      }
      return teal;
    },
    emulators: running,
    emulator: (name) => required(running, name),
    close,
  };
}

/** Consecutive ports from `first`, one per emulator in order; none when `first` is absent. */
function portsFrom(first: number | undefined, names: readonly string[]): Map<string, number> {
  const ports = new Map<string, number>();
  if (first === undefined) return ports;
  const last = first + names.length - 1;
  if (!Number.isInteger(first) || first < 1 || last > 65_535) {
    throw new Error(
      `startSandbox: firstPort must be a whole number from 1 with room for ${names.length} consecutive ports (up to 65535)`,
    );
  }
  names.forEach((name, index) => {
    ports.set(name, first + index);
  });
  return ports;
}

async function collectEmulators(extra: readonly SandboxEmulator[]): Promise<Map<string, SandboxEmulator>> {
  const emulators = new Map<string, SandboxEmulator>();
  for (const definition of BUILT_IN_PROVIDERS) {
    if (definition.sandbox) emulators.set(definition.name, await definition.sandbox());
  }
  // A name already present keeps its place in the order (and so its port from `firstPort`).
  for (const emulator of extra) emulators.set(emulator.name, emulator);
  return emulators;
}

function missing(name: string): never {
  throw new Error(`startSandbox: no emulator for provider "${name}"`);
}

function required(running: ReadonlyMap<string, AnyRunning>, name: string): AnyRunning {
  return running.get(name) ?? missing(name);
}

function typed<C extends object, Alt extends object>(
  emulator: AnyRunning,
  credentials: z.ZodType<C>,
  alternative: z.ZodType<Alt>,
): RunningEmulator<C, Alt> {
  return {
    ...emulator,
    credentials: credentials.parse(emulator.credentials),
    alternativeCredentials: emulator.alternativeCredentials.map((c) => alternative.parse(c)),
  };
}
