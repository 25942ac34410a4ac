/**
 * Provider definitions and their users declarations, checked when an identity is created (and when
 * its configuration changes), so that a broken provider fails at start-up as one
 * `invalid_configuration` listing every problem, not at a tenant's first call.
 */
import type { ConfigurationProblem } from '../errors.js';
import { isPayrollIdentityError } from '../errors.js';
import { PROFILE_FIELDS } from '../user.js';
import type { UsersDeclaration } from './declaration.js';
import type { BaseTenantConfig, ProviderDefinition } from './definition.js';
import { WEBHOOK_EVENT_TYPES, type WebhooksDeclaration } from './webhooks.js';

/** A provider name reads as one in a message, a log line and a tenant id (`demo-<name>`). */
const PROVIDER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The largest page a declaration may ask for. */
const MAX_PAGE_SIZE = 10_000;

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** Problems of the registered definitions themselves (not of any tenant). */
export function definitionProblems(definitions: readonly unknown[]): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  definitions.forEach((raw, index) => {
    const field = `providers[${index}]`;
    const d = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<ProviderDefinition>;
    if (typeof d.name !== 'string' || !PROVIDER_NAME.test(d.name)) {
      problems.push({
        field: `${field}.name`,
        reason: 'must start with a letter and hold only letters, digits, ".", "_" and "-" (at most 64)',
      });
    }
    for (const key of ['auth', 'users', 'describeError'] as const) {
      if (!isFunction(d[key])) problems.push({ field: `${field}.${key}`, reason: 'must be a function' });
    }
    if (d.webhooks !== undefined && !isFunction(d.webhooks)) {
      problems.push({ field: `${field}.webhooks`, reason: 'must be a function when given' });
    }
    if (typeof d.tenantShape !== 'object' || d.tenantShape === null) {
      problems.push({ field: `${field}.tenantShape`, reason: 'must be an object of zod schemas' });
    }
    const urls = d.baseUrls as Record<string, unknown> | undefined;
    if (typeof urls?.sandbox !== 'string' || typeof urls.production !== 'string') {
      problems.push({ field: `${field}.baseUrls`, reason: 'must give a sandbox and a production URL' });
    }
  });
  return problems;
}

/** Problems of one tenant's users declaration (what `users(config)` returned). */
export function declarationProblems(users: unknown, tenant: string): ConfigurationProblem[] {
  const field = 'provider users declaration';
  const problem = (reason: string): ConfigurationProblem => ({ tenant, field, reason });
  if (typeof users !== 'object' || users === null) return [problem('users(config) must return an object')];
  const u = users as Partial<UsersDeclaration>;
  const problems: ConfigurationProblem[] = [];
  if (typeof u.stored !== 'object' || u.stored === null) problems.push(problem('stored must be an object'));
  else {
    const unknown = Object.keys(u.stored).filter(
      (key) => !(PROFILE_FIELDS as readonly string[]).includes(key),
    );
    if (unknown.length > 0)
      problems.push(problem(`stored names ${unknown.length} field(s) that are not neutral profile fields`));
  }
  if (typeof u.clearable !== 'boolean') problems.push(problem('clearable must be true or false'));
  if (!u.user || !isFunction(u.user.id) || !isFunction(u.user.toUser) || typeof u.user.schema !== 'object') {
    problems.push(problem('user must give a schema, id() and toUser()'));
  }
  const list = u.listUsers;
  if (list !== undefined) {
    if (!Number.isInteger(list.maxPageSize) || list.maxPageSize < 1 || list.maxPageSize > MAX_PAGE_SIZE) {
      problems.push(problem(`listUsers.maxPageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`));
    }
    if (!['server', 'client', 'none'].includes(list.externalIdFilter)) {
      problems.push(problem('listUsers.externalIdFilter must be "server", "client" or "none"'));
    }
    if (list.paging?.kind !== 'cursor' && list.paging?.kind !== 'offset') {
      problems.push(problem('listUsers.paging.kind must be "cursor" or "offset"'));
    }
  }
  if (u.createUser?.reconcile !== undefined && list?.externalIdFilter !== 'server') {
    problems.push(
      problem('createUser.reconcile needs a listUsers endpoint that filters by externalId on the server'),
    );
  }
  return problems;
}

/** What {@link declared} returns when the provider's function threw. */
const FAILED = Symbol('declaration failed');

/**
 * Calls one of a provider's declaring functions (`users(config)`, `webhooks(config)`). Its own
 * `InvalidConfigurationError` keeps its problems; anything else it throws is reported without its
 * text (it may quote the configuration).
 */
function declared(
  config: BaseTenantConfig,
  what: 'users' | 'webhooks',
  make: () => unknown,
  problems: ConfigurationProblem[],
): unknown {
  try {
    return make();
  } catch (error) {
    if (isPayrollIdentityError(error) && error.code === 'invalid_configuration') {
      problems.push(...(error as { problems: ConfigurationProblem[] }).problems);
    } else {
      problems.push({
        tenant: config.tenant,
        field: `provider ${config.provider}`,
        reason: `its ${what}(config) failed`,
      });
    }
    return FAILED;
  }
}

/**
 * Every tenant's users declaration, built once and checked. A provider's `users(config)` may throw
 * an `InvalidConfigurationError` for settings its API cannot honour; anything else it throws is
 * reported without its text (it may quote the configuration).
 */
export function buildDeclarations(
  definitions: ReadonlyMap<string, ProviderDefinition>,
  tenants: Iterable<BaseTenantConfig>,
): { declarations: WeakMap<BaseTenantConfig, UsersDeclaration>; problems: ConfigurationProblem[] } {
  const declarations = new WeakMap<BaseTenantConfig, UsersDeclaration>();
  const problems: ConfigurationProblem[] = [];
  for (const config of tenants) {
    const definition = definitions.get(config.provider);
    if (!definition) continue;
    const users = declared(config, 'users', () => definition.users(config), problems);
    if (users === FAILED) continue;
    const found = declarationProblems(users, config.tenant);
    if (found.length > 0) problems.push(...found);
    else declarations.set(config, users as UsersDeclaration);
  }
  return { declarations, problems };
}

/** A header name a declaration may give (HTTP token characters, bounded). */
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** Problems of one tenant's webhooks declaration (what `webhooks(config)` returned). */
export function webhooksDeclarationProblems(webhooks: unknown, tenant: string): ConfigurationProblem[] {
  const field = 'provider webhooks declaration';
  const problem = (reason: string): ConfigurationProblem => ({ tenant, field, reason });
  if (typeof webhooks !== 'object' || webhooks === null)
    return [problem('webhooks(config) must return an object')];
  const w = webhooks as Partial<WebhooksDeclaration>;
  const problems: ConfigurationProblem[] = [];
  const signature = w.signature;
  if (
    typeof signature?.header !== 'string' ||
    !HEADER_NAME.test(signature.header) ||
    !['sha256', 'sha512'].includes(signature.algorithm) ||
    !['hex', 'base64'].includes(signature.encoding)
  ) {
    problems.push(
      problem(
        'signature must give a header name, algorithm "sha256" or "sha512", encoding "hex" or "base64"',
      ),
    );
  }
  if (
    w.encryption !== undefined &&
    (w.encryption.algorithm !== 'aes-256-gcm' ||
      typeof w.encryption.ivHeader !== 'string' ||
      !HEADER_NAME.test(w.encryption.ivHeader))
  ) {
    problems.push(problem('encryption must give algorithm "aes-256-gcm" and an IV header name'));
  }
  if (typeof (w.payload as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    problems.push(problem('payload must be a zod schema'));
  }
  if (!isFunction(w.toEvent)) problems.push(problem('toEvent must be a function'));
  const subscriptions = w.subscriptions;
  if (subscriptions !== undefined) {
    const events = subscriptions.events as Record<string, unknown> | undefined;
    if (
      typeof events !== 'object' ||
      events === null ||
      Object.entries(events).some(
        ([type, name]) =>
          !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type) ||
          typeof name !== 'string' ||
          name === '',
      )
    ) {
      problems.push(problem('subscriptions.events must map neutral event types to provider event names'));
    }
    const { create, list } = subscriptions;
    if (typeof create?.path !== 'string' || !isFunction(create.body) || !isFunction(create.result)) {
      problems.push(problem('subscriptions.create must give a path, body() and result()'));
    }
    if (typeof list?.path !== 'string' || !isFunction(list.query) || !isFunction(list.read)) {
      problems.push(problem('subscriptions.list must give a path, query() and read()'));
    }
    if (!isFunction(subscriptions.delete?.path))
      problems.push(problem('subscriptions.delete must give path()'));
  }
  return problems;
}

/**
 * Every tenant configuration's webhooks declaration (of a provider that declares webhooks), built
 * once and checked, and each configuration's `webhooks` settings checked against it: a provider
 * without webhooks cannot take `webhooks`, nor one that never encrypts an `encryptionKey`, and two
 * providers of one tenant cannot sign with the same header (a delivery would be ambiguous).
 */
export function buildWebhookDeclarations(
  definitions: ReadonlyMap<string, ProviderDefinition>,
  tenants: Iterable<BaseTenantConfig & { retainedProviders?: readonly BaseTenantConfig[] }>,
): { webhooks: WeakMap<BaseTenantConfig, WebhooksDeclaration>; problems: ConfigurationProblem[] } {
  const webhooks = new WeakMap<BaseTenantConfig, WebhooksDeclaration>();
  const problems: ConfigurationProblem[] = [];
  for (const tenantConfig of tenants) {
    const configs = [tenantConfig, ...(tenantConfig.retainedProviders ?? [])];
    /** Signature header (lower case) → the provider of this tenant signing with it. */
    const headers = new Map<string, string>();
    configs.forEach((config, index) => {
      const at = index === 0 ? '' : `retainedProviders.${index - 1}.`;
      const definition = definitions.get(config.provider);
      if (!definition) return;
      if (definition.webhooks === undefined) {
        if (config.webhooks !== undefined) {
          problems.push({
            tenant: config.tenant,
            field: `${at}webhooks`,
            reason: `provider ${config.provider} declares no webhooks`,
          });
        }
        return;
      }
      const declare = definition.webhooks;
      const made = declared(config, 'webhooks', () => declare(config), problems);
      if (made === FAILED) return;
      const found = webhooksDeclarationProblems(made, config.tenant);
      if (found.length > 0) {
        problems.push(...found);
        return;
      }
      const declaration = made as WebhooksDeclaration;
      webhooks.set(config, declaration);
      if (config.webhooks === undefined) return;
      if (config.webhooks.encryptionKey !== undefined && declaration.encryption === undefined) {
        problems.push({
          tenant: config.tenant,
          field: `${at}webhooks.encryptionKey`,
          reason: `provider ${config.provider} does not encrypt deliveries`,
        });
      }
      const header = declaration.signature.header.toLowerCase();
      const other = headers.get(header);
      if (other !== undefined) {
        problems.push({
          tenant: config.tenant,
          field: `${at}webhooks`,
          reason: `providers ${other} and ${config.provider} sign deliveries with the same header; configure webhooks for one of them`,
        });
      }
      headers.set(header, config.provider);
    });
  }
  return { webhooks, problems };
}
