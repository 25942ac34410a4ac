/**
 * The built-in providers: the one place that lists them. Adding a provider is a folder under
 * `providers/` plus one line here.
 */
import { argyleProvider } from '../providers/argyle/index.js';
import { tealProvider } from '../providers/teal/index.js';
import type { ProviderDefinition } from './provider/definition.js';

/** The providers `createPayrollIdentity` knows without configuration: Argyle and Teal. */
export const BUILT_IN_PROVIDERS: readonly ProviderDefinition[] = [argyleProvider, tealProvider];
