/**
 * The `payroll-identity` program: commander wiring and `run(argv, io)`, which never exits the process
 * and returns the exit code, so that it can be tested in-process. `main.ts` is the binary around it.
 */
import { Command, CommanderError } from 'commander';
import { addDemoCommand } from './commands/demo.js';
import { addSandboxCommand } from './commands/sandbox.js';
import { addUsersCommand, type CommandContext } from './commands/users.js';
import { addWebhooksCommand } from './commands/webhooks.js';
import { reportError } from './errors.js';
import { type CliIo, EXIT, type ExitCode, warn } from './io.js';
import { unfinishedModuleError } from './provider-modules.js';
import { safeUsageMessage } from './usage-message.js';

export const VERSION = '0.1.0';

function buildProgram(context: CommandContext): Command {
  const program = new Command('payroll-identity')
    .description(
      'Register applicants as users at payroll-connectivity providers (the built-in ones and any loaded with --provider-module).',
    )
    .version(VERSION)
    // Settings made before `.command()` are inherited by every subcommand.
    .exitOverride()
    // A command's options come before its subcommand's name (`sandbox --port 4010`, `sandbox simulate
    // --provider-module m.js`): each command reads only its own, so two with the same name never clash.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.io.stdout(text),
      writeErr: (text) => context.io.stderr(text),
      // commander quotes the offending argument (`--ssn=…`, `argument 'Jane' is invalid`): rebuild
      // its message without any value from the command line.
      outputError: (text, write) => write(safeUsageMessage(text)),
    });
  addDemoCommand(program, context);
  addSandboxCommand(program, context);
  addUsersCommand(program, context);
  addWebhooksCommand(program, context);
  return program;
}

/**
 * Runs the program on `argv` (the arguments after the binary's name) and returns the exit code:
 * 0 ok, 1 provider or input error, 2 usage or configuration error.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const context: CommandContext = {
    io,
    exit: (code) => {
      exitCode = code;
    },
  };
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // --help and --version end through exitOverride with code 0; every other commander error is usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(io, error, argv.includes('--json'));
  }
}

/**
 * Reports a run of `argv` that can never finish (the process has nothing left to do while `run` is
 * still pending: a promise nothing will settle) and returns the exit code it means. When the run
 * waits on a provider module (a top-level `await`, an emulator loader), that module's error, named
 * by position like any other (exit 2); otherwise an `internal_error` (exit 1). One line, quoting no
 * path and nothing the module said.
 */
export function reportUnfinished(argv: readonly string[], io: CliIo): ExitCode {
  const json = argv.includes('--json');
  const moduleError = unfinishedModuleError();
  if (moduleError) return reportError(io, moduleError, json);
  const message =
    'the command did not finish: it waited for something that can never happen (code of a provider module?)';
  warn(io, json ? JSON.stringify({ code: 'internal_error', message }) : `internal_error: ${message}`);
  return EXIT.failure;
}
