import type { ProviderIdentity } from '../provider.ts';

/**
 * packcloud's name and the shapes of its ids: all that a function which never calls packcloud needs to
 * know of it (the adapter spreads it into its own definition).
 */
export const packcloudIdentity = {
  id: 'packcloud',
  idPatterns: { invoice: /^[A-Za-z0-9_-]{1,64}$/ },
} as const satisfies ProviderIdentity;
