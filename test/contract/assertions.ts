/**
 * The assertion helpers, where the tests find them: the published ones (`payroll-identity/testing`,
 * src/testing/assertions.ts), imported from their own module, which loads vitest but not nock (a
 * test that imports src/testing/index.ts loads the contract suite, and with it nock: vitest.config.ts
 * then runs it with the files that load nock).
 */
export {
  drain,
  everyRendering,
  expectNoLeak,
  personalValues,
  rejection,
} from '../../src/testing/assertions.js';
