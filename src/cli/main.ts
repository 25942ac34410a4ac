#!/usr/bin/env node
/**
 * The `payroll-identity` binary: wires the process to `run` (streams, signals, exit code) and
 * nothing else, so that everything it does can be tested in-process.
 */
import { EXIT } from './io.js';
import { reportUnfinished, run } from './program.js';

const stop = new AbortController();
// The first signal ends the command cleanly (in-flight calls are aborted, the sandbox closes its
// servers); a second one falls back to Node's default and ends the process at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => stop.abort());
}

const argv = process.argv.slice(2);
const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  signal: stop.signal,
  stdin: () => process.stdin,
};
let finished = false;
// Until `run` settles, ending is a failure: Node ends a process whose event loop is empty even while
// a promise is pending (a provider module whose top-level await never settles), with code 0.
process.exitCode = EXIT.failure;
process.on('beforeExit', () => {
  if (finished) return;
  // Nothing is left to run, yet the command has not finished: it never will. Say so, once.
  finished = true;
  process.exitCode = reportUnfinished(argv, io);
});

// No top-level await: tsup also emits a CommonJS build of this file.
void run(argv, io).then((code) => {
  finished = true;
  process.exitCode = code;
});
