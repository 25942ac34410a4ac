/**
 * Providers from outside the library, for the commands that build an identity or a sandbox:
 * `--provider-module <path>` (repeatable; resolved from the working directory) and `providerModules`
 * in a `users --config` file (resolved from the file's directory). Each is an ES module file whose
 * exports hold `ProviderDefinition`s: `providers` (an array), else `provider`, else the default export
 * (one definition or an array).
 *
 * Only a file path is loaded: never a package name (which would be looked up in node_modules) nor a
 * URL (`data:`, `https:`, `node:` …). Loading a module runs its code: name only modules you trust.
 * No error quotes the path or anything the module said (a path can carry a person's name, like any
 * value given to a flag); each names the module by its position instead.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { InvalidConfigurationError } from '../errors.js';
import type { ProviderDefinition } from '../provider/definition.js';
import type { SandboxEmulator } from '../sandbox/types.js';
import { UsageError } from './errors.js';

/** Where one provider module was named, and how its errors name it. */
export interface ProviderModuleSource {
  /** The path as written. */
  readonly path: string;
  /** The directory a relative path is resolved from. */
  readonly base: string;
  /** The error for a problem with this module (usage for a flag, configuration for a file entry). */
  problem(reason: string): Error;
}

/** A provider definition and the module it came from. */
export interface LoadedProvider {
  readonly definition: ProviderDefinition;
  readonly source: ProviderModuleSource;
}

/** How many provider modules one run may load: more is a mistake, not a setup. */
const MAX_MODULES = 50;
/** Longest path accepted (PATH_MAX on Linux). */
const MAX_PATH = 4_096;
/** A URL (`data:`, `file:`, `https:`, `node:`): two letters at least, so that `C:\…` stays a path. */
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{1,31}:/;
/** A provider name that reads as one on a terminal and in a tenant id (`demo-<name>`). */
const PROVIDER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** What `--provider-module` collects from commander, checked. */
export const ProviderModuleFlagSchema = z.array(z.string()).max(MAX_MODULES).optional();

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `--provider-module <path>` (repeatable) to a command that builds an identity or a sandbox. */
export function addProviderModuleOption(command: Command): Command {
  return command.option(
    '--provider-module <path>',
    'an ES module file exporting a provider definition (default export, `provider` or `providers`), resolved from the working directory; runs its code (repeatable)',
    collect,
  );
}

/** The sources of `--provider-module` values, resolved from `cwd`. */
export function flagSources(
  paths: readonly string[] | undefined,
  cwd = process.cwd(),
): ProviderModuleSource[] {
  const list = paths ?? [];
  return list.map((path, index) => {
    const label = list.length === 1 ? 'the --provider-module file' : `--provider-module #${index + 1}`;
    return { path, base: cwd, problem: (reason) => new UsageError(`${label} ${reason}`) };
  });
}

const ConfigModulesSchema = z.object({
  providerModules: z.array(z.string()).max(MAX_MODULES).optional(),
});

/**
 * The sources of a configuration file's `providerModules`, resolved from the file's directory. A
 * value that is not a list of paths is `invalid_configuration`.
 */
export function configSources(config: unknown, configPath: string): ProviderModuleSource[] {
  const parsed = ConfigModulesSchema.safeParse(config);
  if (!parsed.success) {
    throw InvalidConfigurationError.of([
      { field: 'providerModules', reason: `must be a list of at most ${MAX_MODULES} file paths` },
    ]);
  }
  const base = dirname(resolve(configPath));
  return (parsed.data.providerModules ?? []).map((path, index) => {
    const field = `providerModules[${index}]`;
    return { path, base, problem: (reason) => InvalidConfigurationError.of([{ field, reason }]) };
  });
}

/**
 * A safe word for a thrown value: its name and code when they read as such, never its message. The
 * value is the module's own: reading it may throw too (a Proxy, a getter), which gives `Error`.
 */
function describeThrown(error: unknown): string {
  try {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      name?: unknown;
      code?: unknown;
    };
    const { name, code } = e;
    const safeName = typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'Error';
    const safeCode = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` ${code}` : '';
    return `${safeName}${safeCode}`;
  } catch {
    return 'Error';
  }
}

/**
 * What a run is waiting on that belongs to a module (an import, an emulator loader), each as the
 * error to report if it never settles: a module whose top-level `await` never settles leaves the
 * process with nothing to do, which the binary reports instead of exiting silently (main.ts).
 */
const waitingOn = new Set<() => Error>();

/** Awaits `promise`, noting meanwhile that the run waits on a module's code. */
async function waitingFor<T>(promise: Promise<T>, unfinished: () => Error): Promise<T> {
  waitingOn.add(unfinished);
  try {
    return await promise;
  } finally {
    waitingOn.delete(unfinished);
  }
}

/**
 * The error for a provider module the run is still waiting on (its import, or its emulator loader),
 * or `undefined`: what the binary reports when the process is about to end with the command
 * unfinished.
 */
export function unfinishedModuleError(): Error | undefined {
  for (const unfinished of waitingOn) return unfinished();
  return undefined;
}

/** The file URL of a source, or its problem: not a path, unreadable, not a file. */
function moduleUrl(source: ProviderModuleSource): string {
  const { path } = source;
  if (path.length === 0 || path.length > MAX_PATH || path.includes('\0')) {
    throw source.problem('must be the path of an ES module file.');
  }
  if (!isAbsolute(path) && URL_SCHEME.test(path.slice(0, 33))) {
    throw source.problem('must be a file path: URLs and package names are not loaded.');
  }
  const file = resolve(source.base, path);
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw source.problem(
      `cannot be read (${describeThrown(error)}); give the path of an ES module file, e.g. ./my-provider.js (package names are not looked up).`,
    );
  }
  if (!isFile) throw source.problem('is not a file.');
  return pathToFileURL(file).href;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
/** A zod schema of any zod 4 copy (the module may bring its own): it carries `_zod`. */
const isZodSchema = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && '_zod' in value;

/**
 * What the CLI relies on in a module's definition: a printable `name`, a `tenantShape` of zod schemas
 * (what tenants of the provider are validated with), and, when present, a `sandbox` loader. The rest
 * is checked by the library when the identity is built.
 */
const DefinitionSchema = z.object({
  name: z
    .string('name must be a string')
    .max(64, 'name must be at most 64 characters')
    .regex(PROVIDER_NAME, 'name must start with a letter and hold only letters, digits, ".", "_" and "-"'),
  tenantShape: z.custom<object>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every(isZodSchema),
    'tenantShape must be an object of zod schemas',
  ),
  sandbox: z.custom<() => unknown>(isFunction, 'sandbox must be a function (the emulator loader)').optional(),
});

function definitionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const result = DefinitionSchema.safeParse(value);
  if (result.success) return undefined;
  return [...new Set(result.error.issues.map((issue) => issue.message))].join('; ');
}

/** `providers`, else `provider`, else the default export; an array or one definition. */
function exported(namespace: Record<string, unknown>): unknown[] | undefined {
  const value = namespace.providers ?? namespace.provider ?? namespace.default;
  if (value === undefined) return undefined;
  return Array.isArray(value) ? [...value] : [value];
}

/** A module's candidate definitions and the problem of each (`undefined`: usable). */
interface ReadExports {
  candidates: unknown[];
  problems: (string | undefined)[];
}

/**
 * Reads and checks a module's exports. Reading runs the module's code (a getter, a Proxy's traps),
 * which may throw: the caller refuses such an export like any other bad one.
 */
function readExports(namespace: Record<string, unknown>): ReadExports {
  const candidates = exported(namespace) ?? [];
  return { candidates, problems: candidates.map(definitionProblem) };
}

/** Imports one module and returns its definitions, checked. */
async function loadOne(source: ProviderModuleSource): Promise<ProviderDefinition[]> {
  const url = moduleUrl(source);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await waitingFor(import(url), () =>
      source.problem('did not finish loading: its top-level await never settled.'),
    )) as Record<string, unknown>;
  } catch (error) {
    throw source.problem(`could not be loaded (${describeThrown(error)}).`);
  }
  let read: ReadExports;
  try {
    read = readExports(namespace);
  } catch (error) {
    throw source.problem(
      `does not export a valid ProviderDefinition (reading its export threw ${describeThrown(error)}).`,
    );
  }
  const { candidates, problems } = read;
  if (candidates.length === 0) {
    throw source.problem(
      'exports no provider: export a ProviderDefinition as the default export or as `provider`, or an array of them as `providers`.',
    );
  }
  return candidates.map((candidate, index) => {
    const problem = problems[index];
    if (problem !== undefined) {
      const which = candidates.length === 1 ? 'its provider' : `its provider #${index + 1}`;
      throw source.problem(`does not export a valid ProviderDefinition (${which}: ${problem}).`);
    }
    return candidate as ProviderDefinition;
  });
}

/**
 * Loads every source in order. Two modules giving the same provider name is a mistake (which one
 * was meant?); a module's provider with a built-in's name replaces the built-in, as
 * `PayrollIdentityConfig.providers` does.
 */
export async function loadProviderModules(
  sources: readonly ProviderModuleSource[],
): Promise<LoadedProvider[]> {
  if (sources.length > MAX_MODULES) {
    throw new UsageError(`at most ${MAX_MODULES} provider modules can be loaded.`);
  }
  const loaded: LoadedProvider[] = [];
  const names = new Set<string>();
  for (const source of sources) {
    for (const definition of await loadOne(source)) {
      if (names.has(definition.name)) {
        throw source.problem(`gives provider "${definition.name}", which another provider module gives too.`);
      }
      names.add(definition.name);
      loaded.push({ definition, source });
    }
  }
  return loaded;
}

const EmulatorSchema = z.object({
  name: z.string(),
  createCredentials: z.custom(isFunction),
  errorBody: z.custom(isFunction),
  register: z.custom(isFunction),
  describeCredentials: z.custom(isFunction).optional(),
  tenantSettings: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The name of `value` when it has an emulator's shape, else `undefined`. Reading it runs the module's
 * code (a getter, a Proxy's traps): an emulator that throws on reading is not one.
 */
function emulatorName(value: unknown): string | undefined {
  try {
    const result = EmulatorSchema.safeParse(value);
    return result.success ? result.data.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The emulators of the loaded providers that have one (`definition.sandbox`), in order, checked:
 * an emulator must be named like its provider, or its tenants would name another provider.
 */
export async function providerEmulators(loaded: readonly LoadedProvider[]): Promise<SandboxEmulator[]> {
  const emulators: SandboxEmulator[] = [];
  for (const { definition, source } of loaded) {
    if (!definition.sandbox) continue;
    let emulator: unknown;
    try {
      emulator = await waitingFor(Promise.resolve(definition.sandbox()), () =>
        source.problem(
          `gives provider "${definition.name}", whose emulator did not finish loading: its sandbox() never settled.`,
        ),
      );
    } catch (error) {
      throw source.problem(
        `gives provider "${definition.name}", whose emulator could not be loaded (${describeThrown(error)}).`,
      );
    }
    const name = emulatorName(emulator);
    if (name === undefined) {
      throw source.problem(
        `gives provider "${definition.name}", whose sandbox() does not return a SandboxEmulator (name, createCredentials, errorBody, register).`,
      );
    }
    if (name !== definition.name) {
      throw source.problem(
        `gives provider "${definition.name}", whose emulator has another name (it must be "${definition.name}" too).`,
      );
    }
    emulators.push(emulator as SandboxEmulator);
  }
  return emulators;
}

/** The absolute paths of the loaded modules, once each, in order (for a printed configuration). */
export function modulePaths(loaded: readonly LoadedProvider[]): string[] {
  return [...new Set(loaded.map(({ source }) => resolve(source.base, source.path)))];
}
