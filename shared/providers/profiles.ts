import { carbonextProfile } from './carbonext/profile.ts';
import { ordersApiProfile } from './orders-api/profile.ts';
import { packcloudProfile } from './packcloud/profile.ts';
import { pretendentasProfile } from './pretendentas/profile.ts';
import type { ProviderProfile } from './provider.ts';
import { vnEinvoiceProfile } from './vn-einvoice/profile.ts';

/**
 * Every provider the product speaks, by id, as far as the functions that never call one need to
 * know (connection configuration and options, ids in paths): no adapter, normalizer or parser
 * comes with it.
 * The adapters themselves are in registry.ts, in the same order.
 */
export const PROVIDER_PROFILES = {
  pretendentas: pretendentasProfile,
  'vn-einvoice': vnEinvoiceProfile,
  'orders-api': ordersApiProfile,
  packcloud: packcloudProfile,
  carbonext: carbonextProfile,
} as const satisfies Record<string, ProviderProfile>;

export type ProviderId = keyof typeof PROVIDER_PROFILES;
export const PROVIDER_IDS = Object.keys(PROVIDER_PROFILES) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(PROVIDER_PROFILES, value);
}
