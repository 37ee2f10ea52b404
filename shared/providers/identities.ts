import { carbonextIdentity } from './carbonext/identity.ts';
import { ordersApiIdentity } from './orders-api/identity.ts';
import { packcloudIdentity } from './packcloud/identity.ts';
import { pretendentasIdentity } from './pretendentas/identity.ts';
import type { ProviderIdentity } from './provider.ts';
import { vnEinvoiceIdentity } from './vn-einvoice/identity.ts';

/**
 * Every provider the product speaks, by id, as far as the functions that never call one need to
 * know (connection configuration, ids in paths): no adapter, normalizer or parser comes with it.
 * The adapters themselves are in registry.ts, in the same order.
 */
export const PROVIDER_IDENTITIES = {
  pretendentas: pretendentasIdentity,
  'vn-einvoice': vnEinvoiceIdentity,
  'orders-api': ordersApiIdentity,
  packcloud: packcloudIdentity,
  carbonext: carbonextIdentity,
} as const satisfies Record<string, ProviderIdentity>;

export type ProviderId = keyof typeof PROVIDER_IDENTITIES;
export const PROVIDER_IDS = Object.keys(PROVIDER_IDENTITIES) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(PROVIDER_IDENTITIES, value);
}
