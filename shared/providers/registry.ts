import { carbonext } from './carbonext/adapter.ts';
import { ordersApi } from './orders-api/adapter.ts';
import { packcloud } from './packcloud/adapter.ts';
import { pretendentas } from './pretendentas/adapter.ts';
import type { ProviderId } from './profiles.ts';
import type { ProviderAdapter } from './provider.ts';
import { vnEinvoice } from './vn-einvoice/adapter.ts';

/**
 * Every provider's adapter, by id. A sixth provider is its folder, one entry here, one in
 * profiles.ts and one in the sandbox registry (`shared/sandbox/sandbox-registry.ts`): see
 * docs/adding-a-provider.md. Only the functions that call providers import this registry (the
 * bundle-contents test holds the others to it), and nothing here may import a sandbox.
 */
export const PROVIDERS = {
  pretendentas,
  'vn-einvoice': vnEinvoice,
  'orders-api': ordersApi,
  packcloud,
  carbonext,
} as const satisfies Record<ProviderId, ProviderAdapter>;

// The ids, for the modules that already hold the adapters.
export { isProviderId, PROVIDER_IDS, type ProviderId } from './profiles.ts';
