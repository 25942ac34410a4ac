/**
 * `payroll-identity sandbox [--port N] [--provider-module <path>]…`: runs every provider's emulator
 * (the built-ins', then the provider modules') until interrupted and prints what a person needs to
 * point a configuration at them, as each emulator describes itself. The credentials are random for
 * this run and accepted nowhere else, which is why printing them is fine (and the point).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { BUILT_IN_PROVIDERS } from '../../providers.js';
import type { SandboxEmulator } from '../../sandbox/types.js';
import { reportError, UsageError } from '../errors.js';
import { type CliIo, EXIT, say, warn } from '../io.js';
import { positiveInt } from '../profile-flags.js';
import {
  addProviderModuleOption,
  flagSources,
  loadProviderModules,
  modulePaths,
  ProviderModuleFlagSchema,
  providerEmulators,
} from '../provider-modules.js';
import { type RunningSandbox, sandboxTenantsYaml } from '../sandbox-tenants.js';
import { addSimulateCommand } from './simulate.js';
import type { CommandContext } from './users.js';

const SandboxFlagsSchema = z.object({
  port: z.number().int().min(1).max(65_535).optional(),
  providerModule: ProviderModuleFlagSchema,
});

function until(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return; // No way to be interrupted in-process: run until the process ends.
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Every emulator: its base URL, then its credentials, labelled, one per line. */
function printSandbox(io: CliIo, sandbox: RunningSandbox, providerModules: readonly string[]): void {
  const emulators = [...sandbox.emulators.values()];
  const nameWidth = Math.max(...emulators.map((e) => e.name.length)) + 2;
  const labelWidth =
    Math.max(0, ...emulators.flatMap((e) => e.credentialFields.map((f) => f.label.length))) + 2;
  const indent = ' '.repeat(nameWidth);
  say(io, 'payroll-identity sandbox is running (loopback only; state is lost when it stops).');
  say(io);
  for (const emulator of emulators) {
    say(io, `${emulator.name.padEnd(nameWidth)}${emulator.baseUrl}`);
    for (const field of emulator.credentialFields) {
      const note = field.alternative ? '  (alternative credentials)' : '';
      say(io, `${indent}${`${field.label}:`.padEnd(labelWidth)}${field.value}${note}`);
    }
  }
  say(io);
  say(io, 'A tenants.yaml for these emulators (use with `payroll-identity users … --config tenants.yaml`):');
  say(io);
  for (const line of sandboxTenantsYaml(sandbox, providerModules).trimEnd().split('\n')) say(io, `  ${line}`);
  say(io);
  say(io, 'Press Ctrl-C to stop.');
}

/** How many emulators will run: the built-ins', and the extra ones (a same-named one replaces a built-in). */
function emulatorCount(extra: readonly SandboxEmulator[]): number {
  const names = new Set(BUILT_IN_PROVIDERS.filter((d) => d.sandbox !== undefined).map((d) => d.name));
  for (const emulator of extra) names.add(emulator.name);
  return names.size;
}

async function runSandbox(context: CommandContext, rawOptions: unknown): Promise<void> {
  const { port, providerModule } = SandboxFlagsSchema.parse(rawOptions);
  let sandbox: RunningSandbox;
  let providerModules: string[];
  let last = port;
  try {
    const loaded = await loadProviderModules(flagSources(providerModule));
    const extraEmulators = await providerEmulators(loaded);
    for (const { definition } of loaded) {
      if (!definition.sandbox)
        warn(context.io, `note: provider "${definition.name}" has no emulator; it is not started.`);
    }
    providerModules = modulePaths(loaded);
    if (port !== undefined) {
      last = port + emulatorCount(extraEmulators) - 1;
      if (last > 65_535)
        throw new UsageError(
          `--port ${port} leaves no room for every emulator (the last port would be ${last}).`,
        );
    }
    // Loaded on demand: the emulators' servers and stores, which other commands do not need.
    const { startSandbox } = await import('../../sandbox/index.js');
    sandbox = await startSandbox({ extraEmulators, ...(port !== undefined && { firstPort: port }) });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      const busy = (error as { port?: unknown }).port;
      const which = typeof busy === 'number' ? `port ${busy} is` : 'a port is';
      const range = port === undefined ? '' : ` (the emulators use ports ${port}–${last})`;
      warn(context.io, `sandbox_failed: ${which} already in use on 127.0.0.1${range}.`);
      context.exit(EXIT.failure);
      return;
    }
    context.exit(reportError(context.io, error, false));
    return;
  }
  try {
    printSandbox(context.io, sandbox, providerModules);
    await until(context.io.signal);
  } finally {
    await sandbox.close();
  }
  say(context.io, 'Sandbox stopped.');
  context.exit(EXIT.ok);
}

export function addSandboxCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('sandbox')
    .description("run every provider's emulator on loopback until interrupted")
    .option(
      '--port <n>',
      'the first emulator on port n, the next on n+1, … in registration order: built-ins, then --provider-module ones (default: free ports)',
      positiveInt('--port'),
    );
  addProviderModuleOption(command).action(async (options: unknown) => {
    await runSandbox(context, options);
  });
  addSimulateCommand(command, context);
}
