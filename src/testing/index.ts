/**
 * `payroll-identity/testing`: the contract suite every `UserService` adapter must pass, and the kit
 * to run a provider's emulator, for a provider author's tests.
 *
 * This entry loads `vitest` (and, for the contract's wire section, `nock`): both are optional peer
 * dependencies, installed by the project that runs the tests. The other entries never load it.
 *
 * @example
 * ```ts
 * import { describeUserServiceContract, startEmulator } from 'payroll-identity/testing';
 * ```
 *
 * @module
 */

// The emulator kit: what `payroll-identity/sandbox` publishes to run one provider's emulator (its
// `startSandbox` and the built-ins' credential schemas stay there).
export { startEmulator } from '../sandbox/index.js';
export type * from '../sandbox/types.js';
export {
  drain,
  everyRendering,
  expectNoLeak,
  personalValues,
  rejection,
} from './assertions.js';
export {
  type ContractHarness,
  describeUserServiceContract,
  FAST_RETRY,
  type LiveHarness,
  type WireCall,
  type WireErrorCase,
  type WireErrorCaseOf,
  type WireHarness,
  type WireMethod,
} from './contract.js';
