/**
 * `payroll-identity users create|get|update|delete|list|token`: one tenant's `UserService`, built from
 * a configuration file, one operation per run. `--provider` addresses a user at one of the tenant's
 * retained providers (a user reference `{ provider, id }`; for `list`, the `provider` filter).
 */
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { loadConfigFile } from '../../config/load.js';
import {
  createPayrollIdentityWith,
  type PayrollIdentity,
  type PayrollIdentityConfig,
} from '../../container/identity.js';
import type { TenantUserService, UserIdOrRef } from '../../container/tenant-handle.js';
import { BUILT_IN_PROVIDERS } from '../../providers.js';
import type { CreateUserInput, UpdateUserInput, User } from '../../user.js';
import type { CallOptions } from '../../user-service.js';
import { reportError } from '../errors.js';
import { formatCreated, formatLinkToken, formatListRow, formatUpdated, formatUser } from '../format.js';
import { type CliIo, EXIT, type ExitCode, say, warn } from '../io.js';
import {
  addProfileFlags,
  parseProfileFlags,
  patchFromFlags,
  positiveInt,
  profileFromFlags,
} from '../profile-flags.js';
import {
  addProviderModuleOption,
  configSources,
  flagSources,
  loadProviderModules,
  ProviderModuleFlagSchema,
} from '../provider-modules.js';

/** Lets an action hand its exit code back to `run`. */
export interface CommandContext {
  io: CliIo;
  exit(code: ExitCode): void;
}

export const CommonFlagsSchema = z.object({
  config: z.string(),
  tenant: z.string(),
  json: z.boolean().default(false),
  providerModule: ProviderModuleFlagSchema,
});
export type CommonFlags = z.output<typeof CommonFlagsSchema>;

/** `--config`, `--tenant`, `--json` and `--provider-module`: what every command on one configured tenant takes. */
export function addCommonFlags(command: Command): Command {
  return addProviderModuleOption(command)
    .addOption(
      new Option('--config <file>', 'tenant configuration (YAML or JSON)')
        .env('PAYROLL_IDENTITY_CONFIG')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--tenant <id>', 'the tenant to act for')
        .env('PAYROLL_IDENTITY_TENANT')
        .makeOptionMandatory(),
    )
    .option('--json', 'print machine-readable JSON (errors as JSON on stderr)');
}

/** `--provider`: which of the tenant's providers holds the user (default: its current provider). */
const ProviderFlagSchema = z.object({ provider: z.string().optional() });

function addProviderOption(command: Command, what: string): Command {
  return command.option(
    '--provider <name>',
    `${what} at this provider: the tenant's current one (default) or one of its retainedProviders`,
  );
}

/**
 * The user the command is about: a bare id (the tenant's current provider) or, with `--provider`, a
 * user reference. The library checks the provider (`invalid_input` when the tenant does not reach it).
 */
function userRef(userId: string, options: unknown): UserIdOrRef {
  const { provider } = ProviderFlagSchema.parse(options);
  return provider === undefined ? userId : { provider, id: userId };
}

/** Ctrl-C aborts the call in flight (code `aborted`) instead of waiting for its timeout. */
function call(context: CommandContext): CallOptions {
  return { signal: context.io.signal };
}

function printJson(io: CliIo, value: unknown): void {
  say(io, JSON.stringify(value, null, 2));
}

/**
 * The identity of the configuration file, with the providers of `--provider-module` and of the
 * file's `providerModules` (paths relative to the file) beside the built-in ones.
 */
export async function identityFor(flags: CommonFlags): Promise<PayrollIdentity> {
  // The file's content is validated by createPayrollIdentityWith, which lists every problem by tenant and field.
  return createPayrollIdentityWith(await configurationFor(flags), BUILT_IN_PROVIDERS);
}

/**
 * The configuration file's tenants (not yet validated) and the providers of `--provider-module` and
 * of the file's `providerModules`, to be used beside the built-in ones.
 */
export async function configurationFor(
  flags: Pick<CommonFlags, 'config' | 'providerModule'>,
): Promise<PayrollIdentityConfig> {
  const config = loadConfigFile(flags.config);
  const sources = [...flagSources(flags.providerModule), ...configSources(config, flags.config)];
  const providers = (await loadProviderModules(sources)).map((loaded) => loaded.definition);
  return { tenants: config.tenants, providers };
}

/**
 * Loads the configuration, runs `body` with the tenant's service and closes everything. Every
 * failure, configuration included, is reported here; the returned code is the run's exit code.
 */
async function withTenant(
  context: CommandContext,
  rawOptions: unknown,
  body: (users: TenantUserService, flags: CommonFlags) => Promise<void>,
): Promise<void> {
  const flags = CommonFlagsSchema.parse(rawOptions);
  let identity: PayrollIdentity | undefined;
  try {
    identity = await identityFor(flags);
    await body(identity.forTenant(flags.tenant), flags);
    context.exit(EXIT.ok);
  } catch (error) {
    context.exit(reportError(context.io, error, flags.json));
  } finally {
    await identity?.close();
  }
}

function addCreate(users: Command, context: CommandContext): void {
  const command = users.command('create').description('create a user from the profile flags');
  addProfileFlags(addCommonFlags(command), 'create').action(async (options: unknown) => {
    await withTenant(context, options, async (service, flags) => {
      // The service validates the profile at its edge (zod) and names every failing field.
      const input = profileFromFlags(parseProfileFlags(options)) as CreateUserInput;
      const created = await service.createUser(input, call(context));
      if (flags.json) printJson(context.io, created);
      else for (const line of formatCreated(created, flags.tenant)) say(context.io, line);
    });
  });
}

function addGet(users: Command, context: CommandContext): void {
  const command = users
    .command('get')
    .description('show one user')
    .argument('<userId>', "the provider's user id");
  addProviderOption(addCommonFlags(command), 'the user is').action(
    async (userId: string, options: unknown) => {
      await withTenant(context, options, async (service, flags) => {
        const user = await service.getUser(userRef(userId, options), call(context));
        if (flags.json) printJson(context.io, user);
        else for (const line of formatUser(user)) say(context.io, line);
      });
    },
  );
}

function addUpdate(users: Command, context: CommandContext): void {
  const command = users
    .command('update')
    .description('change some of a user’s fields (absent flags leave fields as they are)')
    .argument('<userId>', "the provider's user id");
  const flagged = addProviderOption(addProfileFlags(addCommonFlags(command), 'update'), 'the user is');
  flagged.action(async (userId: string, options: unknown) => {
    await withTenant(context, options, async (service, flags) => {
      const patch = patchFromFlags(parseProfileFlags(options)) as UpdateUserInput;
      const updated = await service.updateUser(userRef(userId, options), patch, call(context));
      if (flags.json) printJson(context.io, updated);
      else for (const line of formatUpdated(updated, flags.tenant)) say(context.io, line);
    });
  });
}

function addDelete(users: Command, context: CommandContext): void {
  const command = users
    .command('delete')
    .description('delete a user (and, at Teal, the user’s files and accounts)')
    .argument('<userId>', "the provider's user id");
  addProviderOption(addCommonFlags(command), 'the user is').action(
    async (userId: string, options: unknown) => {
      await withTenant(context, options, async (service, flags) => {
        const user = userRef(userId, options);
        await service.deleteUser(user, call(context));
        // The id alone is ambiguous once a tenant has moved: say at which provider it was.
        const provider = typeof user === 'string' ? service.provider : user.provider;
        if (flags.json) printJson(context.io, { deleted: true, id: userId, provider });
        else say(context.io, `Deleted user ${userId} (tenant ${flags.tenant}, provider ${provider})`);
      });
    },
  );
}

const ListFlagsSchema = z.object({
  externalId: z.string().optional(),
  limit: z.number().int().positive().optional(),
  pageSize: z.number().int().positive().optional(),
  pages: z.number().int().positive().optional(),
  // Checked by the library (opaque, at most 4,096 characters), which never quotes it.
  cursor: z.string().optional(),
});

/** What `users list` found, and where the listing can resume (absent when it ended). */
interface ListResult {
  users: User[];
  nextCursor?: string;
}

function addList(users: Command, context: CommandContext): void {
  const command = users
    .command('list')
    .description('list users, fetching pages as needed; with --pages, print where the next page starts')
    .option('--external-id <id>', 'only users with this external id (where the provider can filter)')
    .option('--limit <n>', 'stop after this many users', positiveInt('--limit'))
    .option(
      '--page-size <n>',
      "users per request, capped at the provider's maximum (default: --limit, else that maximum)",
      positiveInt('--page-size'),
    )
    .option(
      '--pages <n>',
      "stop after this many pages and print the next page's cursor (when there is one)",
      positiveInt('--pages'),
    )
    .option(
      '--cursor <cursor>',
      'resume after the page that gave this cursor (with the same --page-size, --external-id and --provider)',
    );
  addProviderOption(addCommonFlags(command), 'list the users').action(async (options: unknown) => {
    await withTenant(context, options, async (service, flags) => {
      const { externalId, limit, pageSize, pages, cursor } = ListFlagsSchema.parse(options);
      const { provider } = ProviderFlagSchema.parse(options);
      const found: User[] = [];
      let nextCursor: string | undefined;
      let cutInsidePage = false;
      // Each page is fetched only when the iteration reaches it, so a limit also saves requests.
      const filter = {
        ...(provider !== undefined && { provider }),
        ...(externalId !== undefined && { externalId }),
        ...((pageSize ?? limit) !== undefined && { pageSize: pageSize ?? limit }),
        ...(cursor !== undefined && { cursor }),
      };
      let read = 0;
      walk: for await (const page of service.listUsers(filter, call(context)).pages()) {
        read += 1;
        for (const [index, user] of page.users.entries()) {
          found.push(user);
          if (!flags.json) say(context.io, formatListRow(user));
          if (limit !== undefined && found.length >= limit) {
            // A cursor resumes after a whole page: stopping inside one leaves no place to resume.
            if (index < page.users.length - 1) cutInsidePage = true;
            else nextCursor = page.cursor;
            break walk;
          }
        }
        if (pages !== undefined && read >= pages) {
          nextCursor = page.cursor;
          break;
        }
      }
      if (cutInsidePage) {
        warn(
          context.io,
          "note: --limit stopped the listing inside a page, so there is no cursor to resume from (--pages stops at a page's end).",
        );
      }
      if (flags.json) {
        const result: ListResult = { users: found, ...(nextCursor !== undefined && { nextCursor }) };
        printJson(context.io, result);
        return;
      }
      say(context.io, `${found.length} user${found.length === 1 ? '' : 's'}`);
      if (nextCursor !== undefined) say(context.io, `next cursor: ${nextCursor}`);
    });
  });
}

function addToken(users: Command, context: CommandContext): void {
  const command = users
    .command('token')
    .description('create a link token for the provider’s user-facing connection flow')
    .argument('<userId>', "the provider's user id");
  addProviderOption(addCommonFlags(command), 'the user is').action(
    async (userId: string, options: unknown) => {
      await withTenant(context, options, async (service, flags) => {
        const token = await service.createLinkToken(userRef(userId, options), call(context));
        if (flags.json) printJson(context.io, token);
        else for (const line of formatLinkToken(token)) say(context.io, line);
      });
    },
  );
}

export function addUsersCommand(program: Command, context: CommandContext): void {
  const users = program
    .command('users')
    .description("manage one tenant's users at its payroll provider (needs --config and --tenant)")
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 ok · 1 provider or input error · 2 usage or configuration error.',
        '',
        'Examples:',
        '  payroll-identity users create --config tenants.yaml --tenant acme-us \\',
        '    --first-name Jane --last-name Doe --email jane@example.com --external-id applicant-8841',
        '  payroll-identity users list --config tenants.yaml --tenant acme-us --external-id applicant-8841 --json',
        '  payroll-identity users list --config tenants.yaml --tenant acme-us --page-size 100 --pages 1',
        '  payroll-identity users list --config tenants.yaml --tenant acme-us --page-size 100 --pages 1 --cursor <next cursor>',
        '  payroll-identity users token <userId> --config tenants.yaml --tenant acme-us',
        '  # a user at a provider the tenant moved away from (listed in its retainedProviders):',
        '  payroll-identity users get <userId> --config tenants.yaml --tenant brit-lend --provider argyle',
        '  payroll-identity users list --config tenants.yaml --tenant brit-lend --provider argyle',
      ].join('\n'),
    );
  addCreate(users, context);
  addGet(users, context);
  addUpdate(users, context);
  addDelete(users, context);
  addList(users, context);
  addToken(users, context);
}
