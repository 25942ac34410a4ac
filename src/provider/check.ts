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
    let users: unknown;
    try {
      users = definition.users(config);
    } catch (error) {
      if (isPayrollIdentityError(error) && error.code === 'invalid_configuration') {
        problems.push(...(error as { problems: ConfigurationProblem[] }).problems);
      } else {
        problems.push({
          tenant: config.tenant,
          field: `provider ${config.provider}`,
          reason: 'its users(config) failed',
        });
      }
      continue;
    }
    const found = declarationProblems(users, config.tenant);
    if (found.length > 0) problems.push(...found);
    else declarations.set(config, users as UsersDeclaration);
  }
  return { declarations, problems };
}
