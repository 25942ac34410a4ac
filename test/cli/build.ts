/**
 * The built binary for the end-to-end tests: `dist/cli.js` of the run's shared release build
 * (test/packaging/pack.ts: built by `npm pack`'s `prepack` from a clean copy of the tree, so never a
 * stale `dist/`, and never a second build of the package).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedBuild } from '../packaging/pack.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The release build's `dist/cli.js` (its dependencies resolve through the release tree). */
export async function ensureBuiltCli(): Promise<string> {
  const { tree } = await sharedBuild();
  return join(tree, 'dist', 'cli.js');
}
