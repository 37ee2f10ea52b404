import type { StatusTable } from '../invoice/status-mapping.ts';
import { createCarbonextSandbox } from '../providers/carbonext/sandbox.ts';
import { createOrdersApiSandbox, ORDERS_API_SANDBOX_STATUS_MAP } from '../providers/orders-api/sandbox.ts';
import { createPackcloudSandbox } from '../providers/packcloud/sandbox.ts';
import { createPretendentasSandbox } from '../providers/pretendentas/sandbox.ts';
import type { ProviderId } from '../providers/registry.ts';
import { createVnEinvoiceSandbox } from '../providers/vn-einvoice/sandbox.ts';
import type { SandboxApp } from './sandbox-app.ts';

/**
 * Sandbox emulators by provider. Kept apart from the adapter registry so that Lambda bundles,
 * which import adapters, never carry fake-data generators.
 */
export interface SandboxOptions {
  size?: number;
  seed?: number;
}

export const SANDBOXES: Record<ProviderId, (options?: SandboxOptions) => SandboxApp> = {
  pretendentas: createPretendentasSandbox,
  'vn-einvoice': createVnEinvoiceSandbox,
  'orders-api': createOrdersApiSandbox,
  packcloud: createPackcloudSandbox,
  carbonext: createCarbonextSandbox,
};

/** Credentials and settings a connection needs to talk to each sandbox with its defaults. */
export const SANDBOX_CONNECTIONS: Record<
  ProviderId,
  { token: string; options: Record<string, unknown>; statusMap?: StatusTable }
> = {
  pretendentas: { token: 'sandbox-pretendentas-key', options: { format: 'json' } },
  'vn-einvoice': { token: 'sandbox-vn-einvoice-token', options: {} },
  'orders-api': {
    token: 'sandbox-orders-api-token',
    options: { format: 'json' },
    statusMap: ORDERS_API_SANDBOX_STATUS_MAP,
  },
  packcloud: { token: 'sandbox-packcloud-token', options: { organizationId: 'sandbox-org' } },
  carbonext: { token: 'sandbox-carbonext-token', options: {} },
};
