/**
 * `payroll-identity webhooks verify`: checks ONE webhook delivery the way a receiver does
 * (`identity.parseWebhook`), with the raw body read from standard input and the headers from
 * `--header 'Name: value'` flags (repeatable) or a `--headers-file` (a JSON object). Exits 0 and
 * prints the neutral event when the delivery verifies, 1 with `invalid_webhook (<reason>)` when it
 * does not, 2 for a usage or configuration error. Nothing read from the delivery is ever printed on
 * a failure (no body, no header value), nor any secret; the event's `payload` is never printed.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import type { PayrollIdentity } from '../../container/identity.js';
import { MAX_WEBHOOK_BODY_BYTES, type WebhookEvent } from '../../webhooks/types.js';
import { reportError, UsageError } from '../errors.js';
import { type CliIo, EXIT, readBounded, say } from '../io.js';
import { addCommonFlags, type CommandContext, CommonFlagsSchema, identityFor } from './users.js';

/** More headers than any delivery carries: a mistake, not a delivery. */
const MAX_HEADERS = 100;
/** Longest header name and value accepted (a signature is 128 hex characters, an IV 24). */
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 8_192;
/** Largest `--headers-file` read. */
const MAX_HEADERS_FILE_BYTES = 256 * 1024;
/** RFC 9110 `token`: what a field name is made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const VerifyFlagsSchema = CommonFlagsSchema.extend({
  header: z.array(z.string()).max(MAX_HEADERS).optional(),
  headersFile: z.string().optional(),
});

/** A delivery's headers: each name (lower case) with every value given for it, in order. */
type HeaderList = Map<string, string[]>;

function addHeader(headers: HeaderList, name: string, value: string, where: string): void {
  if (name.length === 0 || name.length > MAX_HEADER_NAME || !HEADER_NAME.test(name)) {
    throw new UsageError(`${where}: a header name is letters, digits and !#$%&'*+.^_\`|~- (at most 256).`);
  }
  if (value.length > MAX_HEADER_VALUE || /[\r\n\0]/.test(value)) {
    throw new UsageError(`${where}: a header value is one line of at most ${MAX_HEADER_VALUE} characters.`);
  }
  const key = name.toLowerCase();
  headers.set(key, [...(headers.get(key) ?? []), value.trim()]);
  if ([...headers.values()].reduce((n, values) => n + values.length, 0) > MAX_HEADERS) {
    throw new UsageError(`more than ${MAX_HEADERS} headers were given.`);
  }
}

/** `--header 'Name: value'`: the value is never quoted back (it may be anything). */
function headersFromFlags(headers: HeaderList, flags: readonly string[]): void {
  flags.forEach((flag, index) => {
    const where = flags.length === 1 ? '--header' : `--header #${index + 1}`;
    const colon = flag.slice(0, MAX_HEADER_NAME + 1).indexOf(':');
    if (colon <= 0) throw new UsageError(`${where} must be written 'Name: value'.`);
    addHeader(headers, flag.slice(0, colon).trim(), flag.slice(colon + 1), where);
  });
}

const HeadersFileSchema = z.record(
  z.string(),
  z.union([z.string(), z.array(z.string()).min(1).max(MAX_HEADERS)]),
);

/**
 * `--headers-file <json>`: `{"X-Argyle-Signature": "…", "Content-Type": "application/json"}`, a
 * value a string or a list of strings (as Node's `request.headers` holds them). The errors name
 * neither the file nor anything in it.
 */
function headersFromFile(headers: HeaderList, path: string): void {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_HEADERS_FILE_BYTES) {
      throw new UsageError(`the --headers-file is larger than ${MAX_HEADERS_FILE_BYTES / 1024} KiB.`);
    }
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: unknown }).code;
    const shown = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    throw new UsageError(`the --headers-file cannot be read${shown}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('the --headers-file is not JSON.');
  }
  const checked = HeadersFileSchema.safeParse(parsed);
  if (!checked.success || Object.keys(checked.data).length > MAX_HEADERS) {
    throw new UsageError(
      'the --headers-file must hold one JSON object of header names to a string or a list of strings.',
    );
  }
  for (const [name, value] of Object.entries(checked.data)) {
    for (const one of typeof value === 'string' ? [value] : value) {
      addHeader(headers, name, one, 'the --headers-file');
    }
  }
}

/** The headers as `parseWebhook` takes them: one value, or the list when a header came more than once. */
function headerRecord(headers: HeaderList): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = Object.create(null);
  for (const [name, values] of headers) record[name] = values.length === 1 ? (values[0] as string) : values;
  return record;
}

/** The verified event as `key: value` lines (no `payload`: it may hold personal data). */
export function formatWebhookEvent(event: WebhookEvent): string[] {
  const rows: [string, string | undefined][] = [
    ['id', event.id],
    ['type', event.type],
    ['provider', event.provider],
    ['provider event', event.providerEvent],
    ['tenant', event.tenant],
    ['user', event.userId],
    ['account', event.accountId],
    ['occurred at', event.occurredAt],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([key, value]) => `  ${`${key}:`.padEnd(16)}${value}`);
}

/** Standard input's bytes, at most one byte more than a delivery may have (the library refuses those). */
async function readDelivery(io: CliIo): Promise<Buffer> {
  if (!io.stdin)
    throw new UsageError('webhooks verify reads the delivery from standard input, and there is none.');
  return readBounded(io.stdin(), MAX_WEBHOOK_BODY_BYTES);
}

async function runVerify(context: CommandContext, rawOptions: unknown): Promise<void> {
  const flags = VerifyFlagsSchema.parse(rawOptions);
  let identity: PayrollIdentity | undefined;
  try {
    const headers: HeaderList = new Map();
    if (flags.headersFile !== undefined) headersFromFile(headers, flags.headersFile);
    headersFromFlags(headers, flags.header ?? []);
    identity = await identityFor(flags);
    // Unknown tenants are a usage error before standard input is read.
    identity.forTenant(flags.tenant);
    const body = await readDelivery(context.io);
    const event = await identity.parseWebhook({ tenant: flags.tenant, headers: headerRecord(headers), body });
    if (flags.json) say(context.io, JSON.stringify(event, null, 2));
    else {
      say(context.io, `Verified webhook (tenant ${event.tenant}, provider ${event.provider})`);
      for (const line of formatWebhookEvent(event)) say(context.io, line);
    }
    context.exit(EXIT.ok);
  } catch (error) {
    context.exit(reportError(context.io, error, flags.json));
  } finally {
    await identity?.close();
  }
}

export function addWebhooksCommand(program: Command, context: CommandContext): void {
  const webhooks = program
    .command('webhooks')
    .description("check a tenant's webhook deliveries (needs --config and --tenant)");
  const verify = webhooks
    .command('verify')
    .description(
      'verify ONE delivery as a receiver would (identity.parseWebhook): its raw body on standard input, its headers from --header or --headers-file; prints the neutral event',
    )
    .option(
      '--header <line>',
      "one of the delivery's headers, 'Name: value' (repeatable; a name given twice is two values)",
      collect,
    )
    .addOption(
      new Option(
        '--headers-file <file>',
        "the delivery's headers as a JSON object of names to a string or a list of strings (with --header: both are used)",
      ),
    )
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 the delivery verifies · 1 it does not (invalid_webhook, with the reason) · 2 usage or configuration error.',
        '',
        'Examples:',
        '  payroll-identity webhooks verify --config tenants.yaml --tenant acme-us \\',
        "    --header 'X-Argyle-Signature: 6f1c…' < delivery.json",
        '  payroll-identity webhooks verify --config tenants.yaml --tenant brit-lend \\',
        '    --headers-file delivery-headers.json --json < delivery.body',
      ].join('\n'),
    );
  addCommonFlags(verify).action(async (options: unknown) => {
    await runVerify(context, options);
  });
}
