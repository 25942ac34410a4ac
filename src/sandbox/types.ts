/**
 * The contract between the sandbox core (`src/sandbox/`) and each provider's emulator
 * (`providers/<name>/sandbox/`). The core owns the HTTP server, its lifecycle and fault injection;
 * an emulator owns its routes, its state and its provider's wire format.
 *
 * Only types here: `src/provider/definition.ts` refers to {@link SandboxEmulator} without loading the
 * sandbox. The HTTP surface an emulator sees ({@link SandboxRouter}) is the library's own, on
 * `node:http`: no web framework is a dependency.
 *
 * An emulator also describes itself (its credentials' labels, the tenant that points at it, a demo
 * plan), so that `startSandbox` and the `payroll-identity` command line handle every provider alike.
 */
import type { CreateUserInput, ProviderOptions } from '../user.js';

/** One injected fault. `latency` delays the request and lets it go on; the others end it. */
export type Fault =
  | {
      /** Delay the request, then let it go on. */
      kind: 'latency';
      /** The delay, in milliseconds. */
      ms: number;
    }
  /** Answer with a 5xx (default 503) in the provider's error shape, without processing the request. */
  | {
      /** Answer a 5xx without processing the request. */
      kind: 'server-error';
      /** The 5xx status (default 503). */
      status?: number;
    }
  /** Answer 429 with `Retry-After` (seconds, default 1), without processing the request. */
  | {
      /** Answer 429 without processing the request. */
      kind: 'rate-limit';
      /** The `Retry-After` value, in seconds (default 1). */
      retryAfterSeconds?: number;
    }
  /** Destroy the connection before the request is processed: nothing changes on the server. */
  | {
      /** Destroy the connection before the request is processed. */
      kind: 'drop-before';
    }
  /** Process the request (state changes!) and destroy the connection instead of answering. */
  | {
      /** Process the request, then destroy the connection instead of answering. */
      kind: 'drop-after';
    }
  /** Answer a 5xx (default 502) with an HTML page, as a proxy in front of the provider would; not processed. */
  | {
      /** Answer an HTML error page without processing the request. */
      kind: 'html-error';
      /** The 5xx status (default 502). */
      status?: number;
    }
  /** Answer a redirect (default 302) to `location` (default `<origin>/redirected<path>`); not processed. */
  | {
      /** Answer a redirect without processing the request. */
      kind: 'redirect';
      /** The redirect status (default 302). */
      status?: number;
      /** The `Location` header (default `<origin>/redirected<path>`). */
      location?: string;
    }
  /** Process the request (state changes!), send the status, headers and half the body, then destroy the connection. */
  | {
      /** Process the request, send half the answer, then destroy the connection. */
      kind: 'drop-mid-body';
    }
  /** Process the request (state changes!) and answer its status with a body that is not valid JSON (a 204 becomes 200). */
  | {
      /** Process the request and answer with a body that is not valid JSON. */
      kind: 'malformed-body';
    }
  /** Process the request (state changes!); a 2xx answer becomes 200 with a JSON body of another shape (`["unexpected"]`). */
  | {
      /** Process the request and answer a 2xx with a JSON body of another shape. */
      kind: 'wrong-shape';
    }
  /** Process the request (state changes!) and pad the answer with whitespace to `bytes` (default 11 MiB; a 204 becomes 200). */
  | {
      /** Process the request and pad the answer with whitespace. */
      kind: 'oversized';
      /** The padded answer's size in bytes (default 11 MiB). */
      bytes?: number;
    };

/** The name of a fault (`'latency'`, `'server-error'`, …). */
export type FaultKind = Fault['kind'];

/** What a fault decision may look at. `path` is the URL path without the query string. */
export interface FaultRequest {
  /** The HTTP method, upper-case. */
  method: string;
  /** The URL path, without the query string. */
  path: string;
  /** 1 for the first request the emulator received since it started (or was reset), then 2, … */
  sequence: number;
}

/** A fault queued for the next `count` requests (default 1) that match `method` and `path`. */
export type QueuedFault = Fault & {
  /** How many matching requests the fault applies to (default 1). */
  count?: number;
  /** HTTP method to match, case-insensitive; any when absent. */
  method?: string;
  /** Exact path, or a pattern tested against the path; any when absent. */
  path?: string | RegExp;
};

/**
 * Faults applied to every request at random, plus an optional per-request hook.
 * Rates are shares between 0 and 1, each drawn independently in the order drop-before,
 * server-error, rate-limit, drop-after; the first that fires wins.
 */
export interface FaultOptions {
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  /** Share of requests answered with a 5xx. */
  errorRate?: number;
  /** Status of those 5xx answers (500–599, default 503). */
  errorStatus?: number;
  /** Share of requests answered 429. */
  rateLimitRate?: number;
  /** `Retry-After` of those 429 answers, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Share of connections destroyed before the request is processed. */
  dropBeforeRate?: number;
  /** Share of requests processed, then answered by destroying the connection. */
  dropAfterRate?: number;
  /** Seed of the random draws, so a run can be repeated exactly. Random when absent. */
  seed?: number;
  /** Called for every request before the queued faults' fallback to the rates; a fault it returns applies. */
  inject?: (request: FaultRequest) => Fault | undefined;
}

/** Controls an emulator's faults while it runs. */
export interface FaultController {
  /** Queue a fault for the next `count` matching requests; queued faults apply before rates. */
  next(fault: QueuedFault): void;
  /** Replace the random faults (rates, latency, seed, hook). */
  configure(options: FaultOptions): void;
  /** Drop every queued fault and every rate. */
  clear(): void;
  /** How many queued fault applications are left. */
  pending(): number;
}

/** What the core hands to an emulator's `register`. */
export interface EmulatorContext<
  C extends object = object,
  Alt extends object = object,
  O extends object = object,
> {
  /** The credentials accepted by this run (random per start unless given). */
  credentials: C;
  /** Other accepted credentials (e.g. Teal's member bearer token). */
  alternativeCredentials: readonly Alt[];
  /**
   * The emulator's own options for this run, as its {@link SandboxEmulator.parseOptions} returned
   * them (defaults filled in); `{}` for an emulator without `parseOptions`.
   */
  options: O;
  /** `http://127.0.0.1:<port>`, the server's own origin; valid once the server listens. */
  origin(): string;
}

/** State an emulator exposes to tests. */
export interface EmulatorState {
  /** How many users the emulator currently holds. */
  userCount(): number;
  /** Forget every user and token (and webhook subscription). */
  reset(): void;
  /** Optional: the emulator's webhooks (subscriptions it accepts, deliveries it can simulate). */
  webhooks?: EmulatorWebhooks;
}

/**
 * One delivery an emulator wants sent: the exact bytes and headers (signed, encrypted) for one
 * subscription and one event. The core sends it, retries it and records every attempt.
 */
export interface OutgoingWebhook extends WebhookRequest {
  /** The subscription's id, as the emulator's subscription routes name it. */
  subscription: string;
  /** The provider's event name (`accounts.connected`, `user-payroll-submitted`, …). */
  event: string;
}

/** What an emulator plans for a simulation: the deliveries in order, or why there are none. */
export type WebhookPlan =
  | {
      /** The simulation is planned. */
      ok: true;
      /** The deliveries to send, in order (none when nobody subscribed). */
      deliveries: readonly OutgoingWebhook[];
    }
  /** `unknown-simulation`: a name not in `simulations`; `unknown-user`: no such user in the emulator. */
  | {
      /** Nothing can be planned. */
      ok: false;
      /** `unknown-simulation`: a name not in `simulations`; `unknown-user`: no such user in the emulator. */
      reason: 'unknown-simulation' | 'unknown-user';
    };

/** An emulator's webhooks, as the core sees them (the subscription routes are the emulator's own). */
export interface EmulatorWebhooks {
  /**
   * The names `simulate` accepts: the provider's event names the emulator can send, and named flows
   * (Argyle's `connection`: `accounts.added`, `accounts.connected`, `users.fully_synced`).
   */
  readonly simulations: readonly string[];
  /**
   * The deliveries for `simulation` and `userId`, one per event and subscription that asked for the
   * event, in the order the provider sends them; nothing is sent here. A subscription gets its
   * deliveries in this order; different subscriptions are served in parallel.
   */
  plan(simulation: string, userId: string): WebhookPlan;
  /** How many subscriptions the emulator holds. */
  subscriptionCount(): number;
}

/** One credential of a run, labelled as `payroll-identity sandbox` prints it (`apiKeyId: …`). */
export interface SandboxCredentialField {
  /** The credential's key in a tenant's `credentials` (`apiKeyId`, `bearerToken`). */
  label: string;
  /** This run's value (random per start, accepted by no other run). */
  value: string;
  /** `true` for one of the `alternativeCredentials` (e.g. Teal's member bearer token), `false` for `credentials`. */
  alternative: boolean;
}

/**
 * A tenant pointed at a running emulator, as an entry of `createPayrollIdentity`'s `tenants` (or of
 * a `tenants.yaml`) takes it: `provider`, `environment: 'sandbox'`, `baseUrl`, `credentials`, and
 * the emulator's {@link SandboxEmulator.tenantSettings}.
 */
export interface SandboxTenantConfig {
  /** The provider's name (the emulator's `name`). */
  provider: string;
  /** Always `'sandbox'`. */
  environment: 'sandbox';
  /** The emulator's origin, `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** A copy of the run's `credentials`. */
  credentials: Record<string, unknown>;
  /** Further tenant settings the provider needs against its emulator. */
  [setting: string]: unknown;
}

/**
 * What `payroll-identity demo` does for an emulator's provider: create the applicant, read, update,
 * list, link token, the duplicate create, an invalid email, delete. Use an obviously fake person
 * (SSN `123-45-6789`, NI number `QQ123456C`, example.com): the report prints them.
 */
export interface SandboxDemoPlan {
  /**
   * The applicant to create: the full neutral profile, so that the create's `ignoredFields` shows
   * what the provider cannot store.
   */
  applicant: CreateUserInput;
  /** The applicant in one line, as the report shows them (fake data only). */
  applicantSummary: string;
  /**
   * The update the demo makes: fields to change (none cleared), `lastName` among them, which the
   * demo checks. The duplicate create sends the applicant with these changes.
   */
  update: CreateUserInput & {
    /** The new last name, which the demo checks after the update. */
    lastName: string;
  };
  /**
   * Whether creating the same person again must fail with `conflict` (the provider documents
   * duplicates as an error, and the emulator runs with a rule that finds them: see
   * `emulatorOptions`); otherwise the duplicate step is shown as not applicable.
   */
  duplicateConflict: boolean;
  /**
   * Optional: the emulator's own options (`EmulatorStartOptions.options`) the demo starts it with,
   * for behaviour the provider's documents leave open that the plan relies on (Teal's
   * `duplicateRule`). The report names them; without them the emulator runs with its defaults.
   */
  emulatorOptions?: Readonly<Record<string, unknown>>;
  /** `providerOptions` added to every create of the demo (e.g. `{ teal: { payrollPeriodMonths: 12 } }`). */
  providerOptions?: ProviderOptions;
  /**
   * Optional: the demo's webhook loop, for an emulator that sends webhooks. The demo gives the tenant
   * a random `webhooks.secret` (and a random `encryptionKey` when `encrypted`), subscribes a receiver
   * of its own, runs `simulation` for the created user after its link token, verifies every delivery
   * with `parseWebhook` and prints the neutral events, then unsubscribes. Without it, the webhook
   * steps are shown as not applicable.
   */
  webhooks?: {
    /**
     * The simulation standing for the applicant connecting their payroll: one of the emulator's
     * `simulations` (e.g. Argyle's `connection`, Teal's `user-payroll-submitted`).
     */
    simulation: string;
    /**
     * Whether the provider encrypts deliveries: the demo's tenant then gets a random
     * `webhooks.encryptionKey`, and the deliveries come encrypted. Default `false`.
     */
    encrypted?: boolean;
  };
}

/** A provider's emulator: a second, independent reading of the provider's documents. */
export interface SandboxEmulator<
  C extends object = object,
  Alt extends object = object,
  O extends object = object,
> {
  /** The provider name, as in a tenant's `provider`. */
  readonly name: string;
  /** Fresh random credentials for one run; `credentials` has the shape a tenant's `credentials` takes. */
  createCredentials(): {
    /** The credentials a tenant configures. */
    credentials: C;
    /** Other credentials accepted by the same run (e.g. a bearer token). */
    alternativeCredentials: readonly Alt[];
  };
  /** The provider's error body for an error the core produces (404 route, 5xx, 429, bad JSON). */
  errorBody(status: number, message: string): unknown;
  /** Add the provider's routes (and its authentication guard) to a fresh router; return its state. */
  register(router: SandboxRouter, context: EmulatorContext<C, Alt, O>): EmulatorState;
  /**
   * Optional: the emulator's own options (`EmulatorStartOptions.options`: behaviour the provider's
   * documents leave open, such as a duplicate rule), checked once before the emulator starts.
   * Gets what the caller gave (`undefined` when nothing) and returns the options in force, defaults
   * filled in, which `register` receives as `context.options`. Throws when they are not valid (a
   * zod error is reported issue by issue); the start then fails naming the emulator. Without it the
   * emulator takes no options, and giving some fails the start.
   */
  parseOptions?(options: unknown): O;
  /**
   * Optional: a run's credentials labelled for printing, in order. Default: every string field of
   * `credentials`, then of each alternative, labelled by its key.
   */
  describeCredentials?(
    credentials: C,
    alternativeCredentials: readonly Alt[],
  ): readonly SandboxCredentialField[];
  /**
   * Optional: tenant settings, besides `provider`, `environment`, `baseUrl` and `credentials` (which
   * the core fills in and these never replace), that a tenant pointed at the emulator needs.
   */
  readonly tenantSettings?: Readonly<Record<string, unknown>>;
  /** Optional: the provider's `payroll-identity demo`; an emulator without one is left out of the demo. */
  readonly demo?: SandboxDemoPlan;
}

/** The methods a route can answer. A `GET` route also answers `HEAD` (headers only). */
export type SandboxMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request as a guard sees it: everything but the body, which is read after the guards pass. */
export interface SandboxRequestHead {
  /** The HTTP method, upper-case (`HEAD` for a `HEAD` request answered by a `GET` route). */
  readonly method: string;
  /** The URL path as received (still percent-encoded), without the query string. */
  readonly path: string;
  /** The route's `:name` parameters, percent-decoded: `{ id: '…' }` for `/v2/users/:id`. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string's parameters, every value of a repeated one kept. */
  readonly query: URLSearchParams;
  /** The request headers, names in lower case; a repeated header's values joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A request as a route handler sees it. */
export interface SandboxRequest extends SandboxRequestHead {
  /**
   * The JSON body, parsed; `undefined` when there was none or it was blank. Bodies of any other media
   * type never reach a handler (415), nor do malformed (400) or oversized (413, over 1 MiB) ones.
   */
  readonly body: unknown;
}

/** What a guard or a handler answers. */
export interface SandboxReply {
  /** The HTTP status. */
  status: number;
  /** Response headers; `content-type` and `content-length` are set from the body unless given. */
  headers?: Readonly<Record<string, string>>;
  /**
   * None when absent (and never on a 204 or 304). A string or a `Uint8Array` is sent as is
   * (`text/plain` or `application/octet-stream` unless `content-type` is given); anything else as
   * JSON (`application/json; charset=utf-8`).
   */
  body?: unknown;
}

/** Answers a matched route's request. A throw answers 500 in the provider's error shape. */
export type SandboxHandler = (request: SandboxRequest) => SandboxReply | Promise<SandboxReply>;

/** Runs before a matched route's handler; a reply it returns answers instead (authentication). */
export type SandboxGuard = (
  request: SandboxRequestHead,
) => SandboxReply | undefined | Promise<SandboxReply | undefined>;

/**
 * The routes of one emulator. Patterns are paths whose segments are literal or `:name` parameters
 * (`/v2/users/:id`); a literal segment wins over a parameter, a parameter never matches an empty
 * segment, and matching is exact (case, trailing slash). A request no route matches, or only with
 * another method, is answered 404 in the provider's shape (`errorBody`), without the guards.
 */
export interface SandboxRouter {
  /** Adds a route; the same method and pattern twice, or a malformed pattern, throws. */
  route(method: SandboxMethod, pattern: string, handler: SandboxHandler): void;
  /** Adds a guard, run in the order added, before the body is read, for every matched route. */
  guard(guard: SandboxGuard): void;
}

/**
 * One request the emulator received: no query string, body or headers, since they carry personal data
 * (a lookup's `external_id` may be an email) and credentials.
 */
export interface RecordedRequest {
  /** 1 for the first request since the start (or the last reset), then 2, … */
  sequence: number;
  /** The HTTP method. */
  method: string;
  /** The URL's path, without the query string. */
  url: string;
  /** The answered status; absent when the connection was dropped. */
  status?: number;
  /** The fault applied, if any (latency included). */
  fault?: FaultKind;
}

/** A running emulator. */
export interface RunningEmulator<
  C extends object = Readonly<Record<string, string>>,
  Alt extends object = Readonly<Record<string, string>>,
> {
  /** The provider's name (`'argyle'`, `'teal'`, …). */
  readonly name: string;
  /** `http://127.0.0.1:<port>`: the base URL to configure for the tenant. */
  readonly baseUrl: string;
  /** Credentials in the shape a tenant's `credentials` takes. */
  readonly credentials: C;
  /** Other credentials the emulator accepts (e.g. Teal's `{ bearerToken }`). */
  readonly alternativeCredentials: readonly Alt[];
  /** This run's credentials, labelled for printing (the emulator's `describeCredentials`, or every string field). */
  readonly credentialFields: readonly SandboxCredentialField[];
  /** The emulator's demo plan, when it has one (`payroll-identity demo`). */
  readonly demo: SandboxDemoPlan | undefined;
  /**
   * The emulator's own options in force for this run (`EmulatorStartOptions.options` with the
   * emulator's defaults filled in), frozen; `{}` for an emulator that takes none.
   */
  readonly options: Readonly<Record<string, unknown>>;
  /** A fresh tenant configuration pointed at this emulator, with this run's credentials. */
  tenant(): SandboxTenantConfig;
  /** Fault injection while it runs. */
  readonly faults: FaultController;
  /** How many users the emulator holds. */
  userCount(): number;
  /** Every request received so far, oldest first. */
  requests(): readonly RecordedRequest[];
  /** The names {@link RunningEmulator.simulate} accepts (none when the emulator sends no webhooks). */
  readonly simulations: readonly string[];
  /**
   * Sends the webhooks of `simulation` (an event name or a flow, see `simulations`) for `userId` to
   * every subscription that asked for them, retrying failed deliveries; resolves once every delivery
   * is delivered or given up. Rejects, sending nothing, for an unknown user or simulation, or when the
   * emulator sends no webhooks.
   */
  simulate(simulation: string, userId: string): Promise<DeliveryReport>;
  /** How many webhook subscriptions the emulator holds. */
  subscriptionCount(): number;
  /** Every webhook delivery attempt so far, oldest first: no body, no headers. */
  deliveries(): readonly DeliveryRecord[];
  /**
   * Forget users, tokens, webhook subscriptions, the request and delivery logs and every fault;
   * deliveries still under way are abandoned.
   */
  reset(): void;
  /** Stops the server, drops open connections and abandons deliveries under way. */
  close(): Promise<void>;
}

/**
 * How to start one emulator. `O` is the shape of the emulator's own `options` (for the built-in
 * emulators: `ArgyleEmulatorOptions`, `TealEmulatorOptions`). Any other key fails the start.
 */
export interface EmulatorStartOptions<O extends object = object> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Random faults from the start (they can be changed later with `faults.configure`). */
  faults?: FaultOptions;
  /** How the emulator delivers webhooks (attempts, backoff, timeout, hosts). */
  webhooks?: WebhookDeliveryOptions;
  /**
   * The emulator's own behaviour options, checked by its `parseOptions` before it starts (see
   * docs/sandbox.md, "Emulator options"). Default: the emulator's defaults, which follow the
   * provider's documents.
   */
  options?: O;
}

/** One webhook request: where, the exact body, and the headers (a signature among them). */
export interface WebhookRequest {
  /** An `http:` or `https:` URL. */
  url: string;
  /** Sent as is: the bytes a signature covers. */
  body: string | Uint8Array;
  /** Request headers; `content-length` is set from the body. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * How webhooks are delivered. A delivery is retried on a connection error, a timeout or a non-2xx
 * answer, up to `attempts` in all.
 */
export interface WebhookDeliveryOptions {
  /** Attempts per delivery, the first included: 1–10, default 3. */
  attempts?: number;
  /**
   * Milliseconds to wait before the second, third, … attempt (0–60000 each, default `[50, 200]`);
   * the last value repeats when there are more attempts than values.
   */
  backoffMs?: readonly number[];
  /** Milliseconds one attempt may take, answer included: 1–60000, default 5000. */
  timeoutMs?: number;
  /**
   * Deliver to hosts other than loopback (`127.0.0.0/8`, `::1`, `localhost`). Off by default, so that
   * an emulator never becomes an open relay; a refused URL fails at once with `host-not-allowed`.
   */
  allowNonLoopback?: boolean;
}

/**
 * Why an attempt failed without an answer: `connection` (refused, reset, DNS), `timeout`,
 * `host-not-allowed` (not loopback, see {@link WebhookDeliveryOptions.allowNonLoopback}),
 * `invalid-url` (not http(s)), `aborted` (the emulator was reset or closed).
 */
export type DeliveryError = 'connection' | 'timeout' | 'host-not-allowed' | 'invalid-url' | 'aborted';

/** One attempt of one delivery. */
export interface DeliveryAttempt {
  /** 1 for the first attempt, then 2, … */
  attempt: number;
  /** The subscriber's answer status; absent when there was no answer. */
  status?: number;
  /** Why there was no answer. */
  error?: DeliveryError;
  /** Whether the subscriber accepted the delivery (a 2xx). */
  ok: boolean;
}

/** How one delivery ended. */
export interface DeliveryOutcome {
  /** Whether an attempt was accepted. */
  delivered: boolean;
  /** Every attempt, in order. */
  attempts: readonly DeliveryAttempt[];
}

/** One delivery of a simulation: a subscription, an event, and its attempts. */
export interface DeliveryResult extends DeliveryOutcome {
  /** The subscription's id. */
  subscription: string;
  /** The provider's event name. */
  event: string;
  /** The subscriber URL's origin and path (never its query string or user info). */
  url: string;
}

/** What {@link RunningEmulator.simulate} reports once every delivery settled. */
export interface DeliveryReport {
  /** The simulation's name, as given. */
  simulation: string;
  /** The user it was for. */
  userId: string;
  /** Deliveries made: one per event and subscription that asked for it (0 when nobody subscribed). */
  deliveries: number;
  /** Of those, delivered. */
  delivered: number;
  /** Of those, given up after their last attempt. */
  failed: number;
  /** Each delivery, in the order the provider sends them. */
  results: readonly DeliveryResult[];
}

/** One attempt in an emulator's delivery log ({@link RunningEmulator.deliveries}). */
export interface DeliveryRecord extends DeliveryAttempt {
  /** 1 for the first attempt since the start (or the last reset), then 2, … */
  sequence: number;
  /** The subscription's id. */
  subscription: string;
  /** The provider's event name. */
  event: string;
  /** The subscriber URL's origin and path (never its query string or user info). */
  url: string;
}
