/**
 * The built-in providers: the one place that lists them. Adding a provider is a folder under
 * `providers/` plus one line here.
 */
import type { ProviderDefinition } from './provider.js';

export const BUILT_IN_PROVIDERS: readonly ProviderDefinition[] = [
  // argyle, teal: added by their adapters
] as unknown as readonly ProviderDefinition[];
