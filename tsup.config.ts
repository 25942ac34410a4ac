import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  entry: {
    index: 'src/index.ts',
    sandbox: 'src/sandbox/index.ts',
    cli: 'src/cli/main.ts',
  },
  dts: { entry: { index: 'src/index.ts', sandbox: 'src/sandbox/index.ts' } },
  target: 'node20',
  platform: 'node',
  splitting: true,
  shims: true,
};

// Two builds rather than `format: ['esm', 'cjs']`: tsup's CommonJS source maps point at the built
// file itself by its absolute path on the building machine (useless, and a path a release must not
// ship), so only the ESM build carries maps. `npm run build` empties dist/ first (neither build
// cleans: they run side by side).
export default defineConfig([
  { ...shared, format: ['esm'], sourcemap: true },
  { ...shared, format: ['cjs'], sourcemap: false },
]);
