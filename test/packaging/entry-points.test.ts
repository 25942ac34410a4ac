/**
 * What each entry point exports, read from the sources (no build): the root (`payroll-identity`) is
 * the consumer's API, small and listed here name by name; the provider kit (`/provider`) has what a
 * provider author needs, the same classes as the root; the contract suite and emulator kit
 * (`/testing`) reuse the sandbox's emulator runner. test/packaging/package.test.ts checks the same
 * entries built and packed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as provider from '../../src/provider/index.js';
import * as sandbox from '../../src/sandbox/index.js';
import { ROOT } from './pack.js';

/** The bound on the root's runtime exports: the consumer API stays small. */
const MAX_ROOT_RUNTIME_EXPORTS = 30;

/** Every runtime export of the root: adding one is a decision, made here too. */
const ROOT_RUNTIME = [
  'AbortedError',
  'AuthenticationFailedError',
  'ClosedIdentityError',
  'ConflictError',
  'InvalidConfigurationError',
  'InvalidInputError',
  'InvalidWebhookError',
  'MAX_RETRY_AFTER_MS',
  'NetworkError',
  'NotFoundError',
  'OutcomeUnknownError',
  'PayrollIdentityError',
  'ProviderUnavailableError',
  'RateLimitedError',
  'SanitizedCause',
  'TOKENS',
  'TimeoutError',
  'UnexpectedResponseError',
  'UnknownTenantError',
  'UnsupportedOperationError',
  'createPayrollIdentity',
  'isPayrollIdentityError',
  'loadConfigFile',
  'registerPayrollIdentity',
  'silentLogger',
  'watchConfigFile',
];

/** Types a consumer names (the root exports them; types cost nothing at run time). */
const ROOT_TYPES = [
  'PayrollIdentity',
  'PayrollIdentityConfig',
  'TenantConfigInput',
  'LoadConfigOptions',
  'ErrorCode',
  'ErrorClassByCode',
  'Operation',
  'User',
  'CreateUserInput',
  'UpdateUserInput',
  'CreatedUser',
  'UpdatedUser',
  'LinkToken',
  'ListUsersFilter',
  'UserService',
  'TenantUserService',
  'UserRef',
  'UserIdOrRef',
  'TenantListFilter',
  'ConfigurationChangeEvent',
  'ConfigWatcher',
  'WatchConfigOptions',
  'CallOptions',
  'Capabilities',
  'Logger',
  'RequestHooks',
  'RequestStartEvent',
  'RequestEndEvent',
  'RetryEvent',
  'CircuitEvent',
  'OutcomeEvent',
  'RetryOptions',
  'CircuitBreakerOptions',
  'Transport',
  'ParseWebhookInput',
  'WebhookHeaders',
  'WebhookEvent',
  'WebhookEventType',
  'WebhookEventKind',
  'WebhookFailureReason',
  'SubscribeWebhookInput',
  'WebhookSubscription',
  'TenantWebhooks',
];

/**
 * What the root exported before the entries were split that is not the consumer's: provider-author
 * tools (now `payroll-identity/provider`'s, as far as a provider still needs them), schemas, the
 * built-in providers list. The root must hold none of them.
 */
const NOT_THE_ROOTS = [
  'adapterContext',
  'checkUserId',
  'enforceUnsupportedPolicy',
  'requireFields',
  'selectFields',
  'sensitiveValues',
  'unsupportedOperation',
  'DEFAULT_MAX_RESPONSE_BYTES',
  'DEFAULT_TIMEOUT_MS',
  'secretString',
  'sharedTenantShape',
  'DEFAULT_CIRCUIT_BREAKER',
  'parseRetryAfter',
  'DEFAULT_RETRY',
  'defineProvider',
  'HttpClient',
  'BUILT_IN_PROVIDERS',
  'REDACTED',
  'Redactor',
  'redactPatterns',
  'ALL_OPERATIONS',
  'parseInput',
  'PayrollIdentityErrorBase',
  'PROFILE_FIELDS',
  'parseCalendarDate',
  'CreateUserInputSchema',
  'UpdateUserInputSchema',
  'ListUsersFilterSchema',
  'UserIdSchema',
  'AddressSchema',
  'NationalIdSchema',
  'BirthDateSchema',
  'CalendarDateSchema',
  'PhoneSchema',
  'EmailSchema',
  'CountrySchema',
  'ExternalIdSchema',
  'JsonValueSchema',
  'ProviderOptionsSchema',
];

/** The core of the provider kit: declaring a provider, its credentials, the input schemas. */
const PROVIDER_CORE = ['defineProvider', 'secretString', 'PayrollIdentityErrorBase', 'CreateUserInputSchema'];

const TESTING_RUNTIME = [
  'FAST_RETRY',
  'describeUserServiceContract',
  'drain',
  'everyRendering',
  'expectNoLeak',
  'personalValues',
  'rejection',
  'startEmulator',
];

/** The names a module's own `export` statements give, type-only ones flagged (no `export *` expanded). */
function declaredExports(file: string): { name: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022);
  const names: { name: string; typeOnly: boolean }[] = [];
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause) {
        names.push({ name: '*', typeOnly: statement.isTypeOnly });
        continue;
      }
      if (ts.isNamedExports(clause)) {
        for (const e of clause.elements)
          names.push({ name: e.name.text, typeOnly: statement.isTypeOnly || e.isTypeOnly });
      }
    } else if (
      (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) &&
      exported(statement)
    ) {
      names.push({ name: statement.name.text, typeOnly: true });
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      exported(statement)
    ) {
      names.push({ name: statement.name?.text ?? 'default', typeOnly: false });
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.push({ name: d.name.text, typeOnly: false });
      }
    }
  }
  return names;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('payroll-identity (the root): the consumer API', () => {
  it(`has at most ${MAX_ROOT_RUNTIME_EXPORTS} runtime exports, exactly the listed ones`, () => {
    const runtime = Object.keys(root);
    expect(runtime.length).toBeLessThanOrEqual(MAX_ROOT_RUNTIME_EXPORTS);
    expect(sorted(runtime)).toEqual(sorted(ROOT_RUNTIME));
  });

  it('names every export itself (no `export *`), and exports the types a consumer names', () => {
    const declared = declaredExports('src/index.ts');
    expect(declared.filter((e) => e.name === '*')).toEqual([]);
    const names = new Set(declared.map((e) => e.name));
    expect(ROOT_TYPES.filter((name) => !names.has(name))).toEqual([]);
    // What the module says it exports at run time is what it does export.
    expect(sorted(declared.filter((e) => !e.typeOnly).map((e) => e.name))).toEqual(sorted(ROOT_RUNTIME));
  });

  it('holds none of the provider kit, schemas or built-in providers', () => {
    expect(NOT_THE_ROOTS.filter((name) => name in root)).toEqual([]);
  });
});

describe('payroll-identity/provider: the provider kit', () => {
  it('declares a provider: defineProvider, secretString, the error base class, the input schemas', () => {
    expect(PROVIDER_CORE.filter((name) => !(name in provider))).toEqual([]);
  });

  it("hands out the root's own error classes (one class per error, whichever entry it came from)", () => {
    const errors = ROOT_RUNTIME.filter((name) =>
      /Error$|^isPayrollIdentityError$|^MAX_RETRY_AFTER_MS$|^SanitizedCause$/.test(name),
    );
    expect(errors.length).toBeGreaterThanOrEqual(18);
    const record = (m: object) => m as Record<string, unknown>;
    expect(errors.filter((name) => record(provider)[name] !== record(root)[name])).toEqual([]);
  });

  it('is not the consumer API: no identity, no built-in providers', () => {
    expect(
      ['createPayrollIdentity', 'registerPayrollIdentity', 'BUILT_IN_PROVIDERS'].filter((n) => n in provider),
    ).toEqual([]);
  });
});

describe('payroll-identity/testing: the contract suite and the emulator kit', () => {
  it("exports the suite, its assertions and the sandbox's emulator runner", async () => {
    // Loads vitest and nock (this file runs with the files that load nock: vitest.config.ts).
    const testing = await import('../../src/testing/index.js');
    expect(sorted(Object.keys(testing))).toEqual(sorted(TESTING_RUNTIME));
    expect(testing.startEmulator).toBe(sandbox.startEmulator);
  });

  it('re-exports exactly the emulator types the sandbox publishes', () => {
    const sandboxTypes = declaredExports('src/sandbox/index.ts')
      .filter((e) => e.typeOnly)
      .map((e) => e.name);
    const inTypesFile = declaredExports('src/sandbox/types.ts').map((e) => e.name);
    // The testing entry re-exports the types file whole: the sandbox must publish all of it.
    expect(declaredExports('src/testing/index.ts')).toContainEqual({ name: '*', typeOnly: true });
    expect(inTypesFile.filter((name) => !sandboxTypes.includes(name))).toEqual([]);
    expect(inTypesFile).toContain('SandboxEmulator');
  });
});
