/**
 * What an emulator is started with: the keys of `EmulatorStartOptions`, and the emulator's own
 * `options`, which its `parseOptions` checks and completes before anything listens. A start option
 * the core does not know (an emulator option put one level too high, a typo) fails the start rather
 * than being ignored: an emulator that silently runs with its defaults would make a test prove
 * something else than its author meant.
 */
import { z } from 'zod';
import { showUntrusted } from '../untrusted-text.js';
import type { SandboxEmulator } from './types.js';

/** The keys of `EmulatorStartOptions`. */
const START_KEYS: ReadonlySet<string> = new Set(['port', 'faults', 'webhooks', 'options']);

/** At most this many problems are named in one error. */
const MAX_PROBLEMS = 5;

const isPlainObject = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Throws when `options` is not an object of `EmulatorStartOptions` keys. */
export function checkStartOptions(name: string, options: unknown): void {
  const emulator = `emulator ${showUntrusted(name)}`;
  if (!isPlainObject(options))
    throw new TypeError(`startEmulator: the start options of ${emulator} must be an object`);
  const unknown = Object.keys(options).filter((key) => !START_KEYS.has(key));
  if (unknown.length > 0) {
    const keys = unknown.slice(0, MAX_PROBLEMS).map((key) => `"${showUntrusted(key, 64)}"`);
    throw new TypeError(
      `startEmulator: unknown start option ${keys.join(', ')} for ${emulator} (its own options go under "options")`,
    );
  }
}

/** The options an emulator runs with, and the frozen copy its `RunningEmulator.options` shows. */
export interface ResolvedOptions<O extends object> {
  options: O;
  described: Readonly<Record<string, unknown>>;
}

/**
 * Runs the emulator's `parseOptions` on what the caller gave (`undefined` when nothing). An emulator
 * without `parseOptions` takes no options. A failure names the emulator and, for a zod error, each
 * issue's path and message (zod's messages name what was expected, never the value given).
 */
export function emulatorOptions<O extends object>(
  emulator: SandboxEmulator<object, object, O>,
  given: unknown,
): ResolvedOptions<O> {
  const name = `emulator ${showUntrusted(emulator.name)}`;
  if (given !== undefined && !isPlainObject(given)) {
    throw new TypeError(`startEmulator: the options of ${name} must be an object`);
  }
  if (!emulator.parseOptions) {
    if (given !== undefined && Object.keys(given).length > 0) {
      throw new TypeError(`startEmulator: ${name} takes no options`);
    }
    return { options: {} as O, described: Object.freeze({}) };
  }
  let options: O;
  try {
    options = emulator.parseOptions(given);
  } catch (error) {
    throw new TypeError(`startEmulator: invalid options for ${name}: ${problems(error)}`);
  }
  if (!isPlainObject(options)) {
    throw new TypeError(`startEmulator: parseOptions of ${name} must return an object`);
  }
  return { options, described: Object.freeze({ ...(options as Record<string, unknown>) }) };
}

function problems(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issues = error.issues.slice(0, MAX_PROBLEMS).map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path === '' ? '(options)' : showUntrusted(path, 100)}: ${showUntrusted(issue.message, 200)}`;
    });
    return issues.join('; ');
  }
  return error instanceof Error ? showUntrusted(error.message, 300) : 'not valid';
}
