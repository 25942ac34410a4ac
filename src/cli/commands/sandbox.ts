/**
 * `payroll-identity sandbox [--port N]`: runs the embedded emulators until interrupted and prints
 * what a person needs to point a configuration at them. The credentials are random for this run and
 * accepted nowhere else, which is why printing them is fine (and the point).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { reportError } from '../errors.js';
import { type CliIo, EXIT, say, warn } from '../io.js';
import { positiveInt } from '../profile-flags.js';
import { type RunningSandbox, sandboxTenantsYaml } from '../sandbox-tenants.js';
import type { CommandContext } from './users.js';

const SandboxFlagsSchema = z.object({ port: z.number().int().min(1).max(65_534).optional() });

function until(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return; // No way to be interrupted in-process: run until the process ends.
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function printSandbox(io: CliIo, sandbox: RunningSandbox): void {
  say(io, 'payroll-identity sandbox is running (loopback only; state is lost when it stops).');
  say(io);
  say(io, `argyle  ${sandbox.argyle.baseUrl}`);
  say(io, `        apiKeyId:     ${sandbox.argyle.credentials.apiKeyId}`);
  say(io, `        apiKeySecret: ${sandbox.argyle.credentials.apiKeySecret}`);
  say(io, `teal    ${sandbox.teal.baseUrl}`);
  say(io, `        apiKey:       ${sandbox.teal.credentials.apiKey}`);
  const bearer = sandbox.teal.alternativeCredentials[0];
  if (bearer) say(io, `        bearerToken:  ${bearer.bearerToken}`);
  say(io);
  say(io, 'A tenants.yaml for these emulators (use with `payroll-identity users … --config tenants.yaml`):');
  say(io);
  for (const line of sandboxTenantsYaml(sandbox).trimEnd().split('\n')) say(io, `  ${line}`);
  say(io);
  say(io, 'Press Ctrl-C to stop.');
}

async function runSandbox(context: CommandContext, rawOptions: unknown): Promise<void> {
  const { port } = SandboxFlagsSchema.parse(rawOptions);
  let sandbox: RunningSandbox;
  try {
    // Loaded on demand: the emulators' servers and stores, which other commands do not need.
    const { startSandbox } = await import('../../sandbox/index.js');
    sandbox = await startSandbox(
      port !== undefined ? { emulators: { argyle: { port }, teal: { port: port + 1 } } } : {},
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      warn(context.io, `sandbox_failed: port ${port} or ${(port ?? 0) + 1} is already in use on 127.0.0.1.`);
      context.exit(EXIT.failure);
      return;
    }
    context.exit(reportError(context.io, error, false));
    return;
  }
  try {
    printSandbox(context.io, sandbox);
    await until(context.io.signal);
  } finally {
    await sandbox.close();
  }
  say(context.io, 'Sandbox stopped.');
  context.exit(EXIT.ok);
}

export function addSandboxCommand(program: Command, context: CommandContext): void {
  program
    .command('sandbox')
    .description('run the Argyle and Teal emulators on loopback until interrupted')
    .option('--port <n>', 'Argyle on port n, Teal on n+1 (default: free ports)', positiveInt('--port'))
    .action(async (options: unknown) => {
      await runSandbox(context, options);
    });
}
