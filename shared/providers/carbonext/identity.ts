import type { ProviderIdentity } from '../provider.ts';

/**
 * carbonext's name and the shapes of its ids: all that a function which never calls carbonext needs to
 * know of it (the adapter spreads it into its own definition).
 */
export const carbonextIdentity = {
  id: 'carbonext',
  idPatterns: { invoice: /^[A-Za-z0-9-]{1,64}$/ },
} as const satisfies ProviderIdentity;
