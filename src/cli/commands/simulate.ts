/**
 * `payroll-identity sandbox simulate --config <file> --tenant <id> --user <id> --event <simulation>`:
 * asks a running `payroll-identity sandbox` to simulate what an applicant does in the provider's
 * hosted flow (`POST /_sandbox/simulate` on the tenant's emulator), which sends the webhook deliveries
 * to the emulator's subscribers, and prints how each delivery went.
 *
 * Everything it needs is in the tenant's entry of the `tenants.yaml` the sandbox prints: the provider,
 * the emulator's base URL and this run's credentials, which sign the request the way the provider's
 * own auth strategy signs every request of the tenant (no provider is named here, and no credential
 * goes on the command line). Only a sandbox tenant on a loopback base URL is accepted: the admin
 * route exists only on the emulators, and credentials are never sent anywhere else.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { checkTenants } from '../../config/schema.js';
import { createPayrollIdentityWith } from '../../container/identity.js';
import {
  AbortedError,
  AuthenticationFailedError,
  InvalidConfigurationError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  TimeoutError,
  UnexpectedResponseError,
} from '../../errors.js';
import type { BaseTenantConfig, ProviderDefinition } from '../../provider/definition.js';
import { BUILT_IN_PROVIDERS } from '../../providers.js';
import { showUntrusted } from '../../untrusted-text.js';
import { reportError, UsageError } from '../errors.js';
import { type CliIo, EXIT, say, warn } from '../io.js';
import { addCommonFlags, type CommandContext, CommonFlagsSchema, configurationFor } from './users.js';

/** The emulators' admin route (docs/sandbox.md, "The admin route"). */
const SIMULATE_PATH = '/_sandbox/simulate';
/** Every delivery settles before the answer: 3 attempts of up to 5 s each, for a few subscriptions. */
const DEADLINE_MS = 120_000;
/** Largest answer read from the emulator. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** The emulator's own limits on both values. */
const MAX_ID_LENGTH = 200;

const SimulateFlagsSchema = CommonFlagsSchema.extend({
  user: z.string(),
  event: z.string(),
});
type SimulateFlags = z.output<typeof SimulateFlagsSchema>;

/** The emulator's report (snake_case, as the providers' APIs are), bounded. */
const WireReportSchema = z.object({
  event: z.string().max(MAX_ID_LENGTH),
  user_id: z.string().max(MAX_ID_LENGTH),
  deliveries: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
  results: z
    .array(
      z.object({
        subscription: z.string().max(MAX_ID_LENGTH),
        event: z.string().max(MAX_ID_LENGTH),
        url: z.string().max(4_096),
        delivered: z.boolean(),
        attempts: z
          .array(
            z.object({
              attempt: z.number().int(),
              status: z.number().int().nullable(),
              error: z.string().max(64).nullable(),
            }),
          )
          .max(20),
      }),
    )
    .max(10_000),
});
type WireReport = z.output<typeof WireReportSchema>;

/** `127.0.0.0/8`, `[::1]` or `localhost`: where a sandbox listens. */
function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]' || host === 'localhost';
}

/** The admin route's URL on the tenant's emulator; a usage error for anything but a loopback sandbox. */
function simulateUrl(config: BaseTenantConfig): URL {
  const tenant = config.tenant;
  if (config.environment !== 'sandbox') {
    throw new UsageError(
      `tenant ${tenant} is not a sandbox tenant: sandbox simulate only talks to a running payroll-identity sandbox.`,
    );
  }
  let base: URL | undefined;
  try {
    base = config.baseUrl === undefined ? undefined : new URL(config.baseUrl);
  } catch {
    base = undefined;
  }
  if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:') || !isLoopback(base)) {
    throw new UsageError(
      `tenant ${tenant} has no loopback baseUrl: point it at a running payroll-identity sandbox (the tenants.yaml it prints).`,
    );
  }
  return new URL(SIMULATE_PATH, base.origin);
}

/** The tenant's validated configuration and its provider (every configuration problem reported at once). */
async function tenantOf(
  flags: SimulateFlags,
): Promise<{ config: BaseTenantConfig; definition: ProviderDefinition }> {
  const configuration = await configurationFor(flags);
  // The whole file is validated as the other commands validate it, then the tenant is looked up.
  const identity = createPayrollIdentityWith(configuration, BUILT_IN_PROVIDERS);
  try {
    identity.forTenant(flags.tenant);
  } finally {
    await identity.close();
  }
  const definitions = new Map<string, ProviderDefinition>();
  for (const definition of [...BUILT_IN_PROVIDERS, ...(configuration.providers ?? [])])
    definitions.set(definition.name, definition);
  const checked = checkTenants({ tenants: configuration.tenants }, [...definitions.values()]);
  if (checked.problems.length > 0) throw InvalidConfigurationError.of(checked.problems);
  const config = checked.tenants.get(flags.tenant);
  const definition = config && definitions.get(config.provider);
  if (!config || !definition)
    throw InvalidConfigurationError.of([{ field: 'tenants', reason: 'unreadable' }]);
  return { config, definition };
}

/** The answer's body, at most {@link MAX_ANSWER_BYTES} (a longer one is not the emulator's). */
async function readAnswer(
  response: Response,
  context: { tenant: string; provider: string },
): Promise<unknown> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new UnexpectedResponseError('the emulator answered with a body larger than 1 MiB.', context);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The emulator's own messages about a refusal: bounded, escaped, none holding a credential. */
function emulatorMessages(
  definition: ProviderDefinition,
  status: number,
  body: unknown,
  secrets: readonly string[],
): string[] {
  let messages: string[];
  try {
    messages = definition.describeError(status, body).messages;
  } catch {
    return [];
  }
  return messages
    .filter((m) => typeof m === 'string' && !secrets.some((s) => s !== '' && m.includes(s)))
    .slice(0, 5)
    .map((m) => showUntrusted(m, 300, { escapeQuotes: false }));
}

/** A refusal of the admin route, as the library's error of the same meaning. */
function refusal(status: number, messages: string[], context: { tenant: string; provider: string }): Error {
  const detail = { ...context, status, ...(messages.length > 0 && { providerMessages: messages }) };
  if (status === 401 || status === 403) {
    return new AuthenticationFailedError(
      "the emulator refused the tenant's credentials: is the configuration the one this sandbox run printed?",
      detail,
    );
  }
  if (status === 404) {
    return new NotFoundError('the emulator knows no such user (or sends no webhooks).', detail);
  }
  if (status === 400) {
    return new InvalidInputError(
      'the emulator refused the simulation: --event must be one of its simulations.',
      {
        ...detail,
        fieldErrors: { event: ['Must be one of the emulator’s simulations'] },
      },
    );
  }
  return new UnexpectedResponseError(`the emulator answered ${status}.`, detail);
}

/** One line per delivery: its event, where it went and each attempt's status (or why there was none). */
function formatReport(report: WireReport, flags: SimulateFlags, provider: string): string[] {
  const lines = [
    `Simulated ${showUntrusted(report.event)} for user ${showUntrusted(report.user_id)} (tenant ${flags.tenant}, provider ${provider}): ` +
      `${report.deliveries} deliver${report.deliveries === 1 ? 'y' : 'ies'}, ${report.delivered} delivered, ${report.failed} failed.`,
  ];
  if (report.deliveries === 0)
    lines.push('  No subscription of the emulator asked for it: nothing was sent.');
  for (const result of report.results) {
    const attempts = result.attempts.map((a) =>
      a.status !== null ? String(a.status) : showUntrusted(a.error),
    );
    lines.push(
      `  ${result.delivered ? '✓' : '✗'} ${showUntrusted(result.event)} → ${showUntrusted(result.url, 300)} ` +
        `(subscription ${showUntrusted(result.subscription)}; attempt${attempts.length === 1 ? '' : 's'}: ${attempts.join(', ')})`,
    );
  }
  return lines;
}

/** Runs the simulation; the emulator's report, and the tenant's provider. */
async function simulate(io: CliIo, flags: SimulateFlags): Promise<{ report: WireReport; provider: string }> {
  if (flags.user.length === 0 || flags.user.length > MAX_ID_LENGTH)
    throw new UsageError(`--user must be a user id of 1 to ${MAX_ID_LENGTH} characters.`);
  if (flags.event.length === 0 || flags.event.length > MAX_ID_LENGTH)
    throw new UsageError(`--event must be a simulation name of 1 to ${MAX_ID_LENGTH} characters.`);
  const { config, definition } = await tenantOf(flags);
  const url = simulateUrl(config);
  const context = { tenant: config.tenant, provider: config.provider };
  const auth = definition.auth(config);
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  const signal = io.signal ? AbortSignal.any([deadline, io.signal]) : deadline;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...auth.headers(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ event: flags.event, user_id: flags.user }),
      redirect: 'manual',
      signal,
    });
  } catch {
    if (io.signal?.aborted) throw new AbortedError('sandbox simulate was interrupted.', context);
    if (deadline.aborted)
      throw new TimeoutError(`the emulator did not answer within ${DEADLINE_MS / 1000} s.`, context);
    throw new NetworkError(
      "cannot reach the tenant's emulator (its baseUrl): is payroll-identity sandbox running, on the ports of this configuration?",
      // Unknown: the emulator may have started the simulation before the connection failed.
      { ...context, beforeRequestSent: false },
    );
  }
  const body = await readAnswer(response, context);
  if (response.status !== 200) {
    throw refusal(
      response.status,
      emulatorMessages(definition, response.status, body, auth.secrets()),
      context,
    );
  }
  const report = WireReportSchema.safeParse(body);
  if (!report.success) {
    throw new UnexpectedResponseError("the emulator's answer is not a simulation report.", {
      ...context,
      status: 200,
    });
  }
  return { report: report.data, provider: config.provider };
}

async function runSimulate(context: CommandContext, rawOptions: unknown): Promise<void> {
  const flags = SimulateFlagsSchema.parse(rawOptions);
  try {
    const { report, provider } = await simulate(context.io, flags);
    if (flags.json) say(context.io, JSON.stringify(report, null, 2));
    else for (const line of formatReport(report, flags, provider)) say(context.io, line);
    if (report.failed > 0) {
      warn(
        context.io,
        `delivery_failed: ${report.failed} of ${report.deliveries} deliveries were not accepted by their subscriber.`,
      );
      context.exit(EXIT.failure);
    } else context.exit(EXIT.ok);
  } catch (error) {
    context.exit(reportError(context.io, error, flags.json));
  }
}

/** Adds `simulate` under `sandbox`. */
export function addSimulateCommand(sandbox: Command, context: CommandContext): void {
  const command = sandbox
    .command('simulate')
    .description(
      "make a running sandbox's emulator send the webhooks of a simulation (what the applicant does in the provider's hosted flow) to its subscribers",
    )
    .requiredOption('--user <id>', "the provider's user id (a user of the tenant's emulator)")
    .requiredOption(
      '--event <simulation>',
      "one of the emulator's simulations (docs/sandbox.md lists the built-in emulators'; an unknown one is refused with the list)",
    )
    .addHelpText(
      'after',
      [
        '',
        "The tenant's entry of the configuration (the tenants.yaml `payroll-identity sandbox` prints) gives the",
        "emulator's base URL and credentials. Exit codes: 0 every delivery accepted · 1 a delivery failed, or the",
        'emulator refused (unknown user or simulation) · 2 usage or configuration error.',
        '',
        'Example:',
        '  payroll-identity sandbox simulate --config tenants.yaml --tenant demo-argyle --user <userId> --event connection',
      ].join('\n'),
    );
  addCommonFlags(command).action(async (options: unknown) => {
    await runSimulate(context, options);
  });
}
