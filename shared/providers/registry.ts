import { carbonext } from './carbonext/adapter.ts';
import { ordersApi } from './orders-api/adapter.ts';
import { packcloud } from './packcloud/adapter.ts';
import { pretendentas } from './pretendentas/adapter.ts';
import type { ProviderAdapter } from './provider.ts';
import { vnEinvoice } from './vn-einvoice/adapter.ts';

/**
 * Every provider the product speaks, by id. A sixth provider is its folder, one entry here and one
 * in the sandbox registry (`shared/sandbox/sandbox-registry.ts`): see docs/adding-a-provider.md.
 * Lambda bundles import this registry, so nothing here may import a sandbox.
 */
export const PROVIDERS = {
  pretendentas,
  'vn-einvoice': vnEinvoice,
  'orders-api': ordersApi,
  packcloud,
  carbonext,
} as const satisfies Record<string, ProviderAdapter>;

export type ProviderId = keyof typeof PROVIDERS;
export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(PROVIDERS, value);
}
