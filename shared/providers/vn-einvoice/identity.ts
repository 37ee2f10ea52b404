import type { ProviderIdentity } from '../provider.ts';

/**
 * vn-einvoice's name and the shapes of its ids: all that a function which never calls vn-einvoice needs to
 * know of it (the adapter spreads it into its own definition).
 */
export const vnEinvoiceIdentity = {
  id: 'vn-einvoice',
  idPatterns: { invoice: /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/ },
} as const satisfies ProviderIdentity;
