#!/usr/bin/env node
/**
 * The `payroll-identity` binary: wires the process to `run` (streams, signals, exit code) and
 * nothing else, so that everything it does can be tested in-process.
 */
import { run } from './program.js';

const stop = new AbortController();
// The first signal ends the command cleanly (in-flight calls are aborted, the sandbox closes its
// servers); a second one falls back to Node's default and ends the process at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => stop.abort());
}

// No top-level await: tsup also emits a CommonJS build of this file.
void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: stop.signal,
}).then((code) => {
  process.exitCode = code;
});
