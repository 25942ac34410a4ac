/**
 * The Argyle emulator's own options (`startSandbox({ emulators: { argyle: { options } } })`), checked
 * before it starts. The defaults are what Argyle's documents say (or, where they are silent, the
 * shape v2 uses); every other value is a behaviour the documents leave open, turned on by a test.
 */
import { z } from 'zod';
import type { ArgyleEmulatorOptions } from '../../../src/sandbox/index.js';
import { MAX_LIMIT } from './pagination.js';

/** The options in force: every one set but `v1PageCap` (absent: no cap but `limit`'s). */
export type ArgyleOptions = Required<Omit<ArgyleEmulatorOptions, 'v1PageCap'>> &
  Pick<ArgyleEmulatorOptions, 'v1PageCap'>;

const OptionsSchema = z.strictObject({
  // The users schemas do not forbid other properties (no `additionalProperties: false`), and DRF,
  // whose error shapes Argyle answers in, drops fields a serializer does not declare.
  unknownFields: z.enum(['ignore', 'reject']).default('ignore'),
  // v1's prose says an object with `results`; its example is a bare array.
  v1ListShape: z.enum(['envelope', 'bare-array']).default('envelope'),
  v1PageCap: z
    .number()
    .int('must be a whole number of users')
    .min(1, 'must be at least 1')
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT} (the largest limit)`)
    .optional(),
});

/** `SandboxEmulator.parseOptions`: the given options (none: `undefined`) completed with the defaults. */
export function parseArgyleOptions(given: unknown): ArgyleOptions {
  const options: ArgyleOptions = OptionsSchema.parse(given ?? {});
  return options;
}
