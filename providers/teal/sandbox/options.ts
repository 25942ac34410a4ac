/**
 * The Teal emulator's own options (`startSandbox({ emulators: { teal: { options } } })`), checked
 * before it starts. The defaults are what Teal's API reference (https://docs.goteal.co) documents;
 * every other value is a behaviour the reference leaves open, which a test turns on on purpose.
 */
import { z } from 'zod';
import type { TealEmulatorOptions } from '../../../src/sandbox/index.js';

/** The options in force: every one set. */
export type TealOptions = Required<TealEmulatorOptions>;

const OptionsSchema = z.strictObject({
  // The reference documents a 409 for a user that "already exists", but no rule for when one does.
  duplicateRule: z.enum(['none', 'name-and-birth-date']).default('none'),
  // The `User` schema does not forbid other properties (no `additionalProperties: false`).
  unknownFields: z.enum(['ignore', 'reject']).default('ignore'),
});

/** `SandboxEmulator.parseOptions`: the given options (none: `undefined`) completed with the defaults. */
export function parseTealOptions(given: unknown): TealOptions {
  const options: TealOptions = OptionsSchema.parse(given ?? {});
  return options;
}
