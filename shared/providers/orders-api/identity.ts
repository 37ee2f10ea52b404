import type { ProviderIdentity } from '../provider.ts';

/**
 * orders-api's name and the shapes of its ids: all that a function which never calls orders-api needs to
 * know of it (the adapter spreads it into its own definition).
 */
export const ordersApiIdentity = {
  id: 'orders-api',
  idPatterns: { invoice: /^\d{1,19}$/, order: /^\d{1,19}$/ },
} as const satisfies ProviderIdentity;
