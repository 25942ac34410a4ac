import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The examples import the library by its package name, as a user would; under test that name is
    // the sources, so they run without a build (test/packaging checks the built package itself).
    alias: [
      { find: /^payroll-identity$/, replacement: source('./src/index.ts') },
      { find: /^payroll-identity\/sandbox$/, replacement: source('./src/sandbox/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The sandbox and packaging tests use loopback servers; nothing here may reach the internet.
  },
});
