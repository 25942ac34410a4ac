import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * tsup's CommonJS source maps point at the built file itself, by its absolute path on the building
 * machine: useless for a stack trace, and a path a release must not ship. Only the ESM build keeps
 * its maps; the CommonJS ones and their `sourceMappingURL` comments are removed after the build
 * (one build, so the declarations are generated once).
 */
async function dropCommonJsMaps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.endsWith('.cjs.map')) await rm(join(dir, name));
    else if (name.endsWith('.cjs')) {
      const path = join(dir, name);
      const code = await readFile(path, 'utf8');
      const stripped = code.replace(/\n\/\/# sourceMappingURL=[^\n]*\.cjs\.map\s*$/, '\n');
      if (stripped !== code) await writeFile(path, stripped);
    }
  }
}

/**
 * The container's `./reflect-metadata.cjs` (it installs the polyfill tsyringe needs) stays its own
 * CommonJS file, imported as it is written, in order, just before `tsyringe`, by both builds: never
 * bundled (bundled, its code would run after the chunk's hoisted `tsyringe` import). Copied next to
 * the chunks that import it.
 */
const REFLECT_METADATA_SHIM = 'src/container/reflect-metadata.cjs';
const keepReflectMetadataShim: Plugin = {
  name: 'keep-reflect-metadata-shim',
  setup(build) {
    build.onResolve({ filter: /^\.\/reflect-metadata\.cjs$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

export default defineConfig((options) => ({
  entry: {
    index: 'src/index.ts',
    provider: 'src/provider/index.ts',
    sandbox: 'src/sandbox/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: {
    entry: {
      index: 'src/index.ts',
      provider: 'src/provider/index.ts',
      sandbox: 'src/sandbox/index.ts',
      testing: 'src/testing/index.ts',
    },
  },
  // The contract suite (the testing entry) runs inside the user's vitest, with the user's nock:
  // optional peer dependencies, never bundled (tsup leaves dependencies and peers external; said
  // here too, so that a change to package.json cannot bundle a second vitest into the package).
  external: ['vitest', 'nock'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: true,
  esbuildPlugins: [keepReflectMetadataShim],
  onSuccess: async () => {
    const outDir = options.outDir ?? 'dist';
    await dropCommonJsMaps(outDir);
    await copyFile(REFLECT_METADATA_SHIM, join(outDir, 'reflect-metadata.cjs'));
  },
}));
