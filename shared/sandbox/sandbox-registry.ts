import { carbonextSandbox } from '../providers/carbonext/sandbox.ts';
import { ordersApiSandbox } from '../providers/orders-api/sandbox.ts';
import { packcloudSandbox } from '../providers/packcloud/sandbox.ts';
import { pretendentasSandbox } from '../providers/pretendentas/sandbox.ts';
import type { ProviderId } from '../providers/registry.ts';
import { vnEinvoiceSandbox } from '../providers/vn-einvoice/sandbox.ts';
import type { Sandbox, SandboxConnection, SandboxOptions } from './sandbox.ts';
import type { SandboxApp } from './sandbox-app.ts';

export type { SandboxOptions } from './sandbox.ts';

/**
 * Every provider's sandbox, by provider id: one line per provider, as in the adapter registry
 * (`shared/providers/registry.ts`). Kept apart from it so that Lambda bundles, which import
 * adapters, never carry sandboxes or fake-data generators. Typed by `ProviderId`, so a provider
 * without a sandbox does not compile.
 */
export const PROVIDER_SANDBOXES: Record<ProviderId, Sandbox> = {
  pretendentas: pretendentasSandbox,
  'vn-einvoice': vnEinvoiceSandbox,
  'orders-api': ordersApiSandbox,
  packcloud: packcloudSandbox,
  carbonext: carbonextSandbox,
};

type ByProvider<T> = Record<ProviderId, T>;

function byProvider<T>(pick: (sandbox: Sandbox) => T): ByProvider<T> {
  return Object.fromEntries(
    Object.entries(PROVIDER_SANDBOXES).map(([id, sandbox]) => [id, pick(sandbox)]),
  ) as ByProvider<T>;
}

/** Each sandbox's factory (a view of `PROVIDER_SANDBOXES`). */
export const SANDBOXES: ByProvider<(options?: SandboxOptions) => SandboxApp> = byProvider(
  (sandbox) => sandbox.create,
);

/** Credentials and settings a connection needs to talk to each sandbox with its defaults. */
export const SANDBOX_CONNECTIONS: ByProvider<SandboxConnection> = byProvider((sandbox) => sandbox.connection);
