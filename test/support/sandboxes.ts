import { createHttpClient, type ResilienceOptions } from '../../shared/http/http-client.ts';
import type { StatusTable } from '../../shared/invoice/status-mapping.ts';
import type { ProviderConnection } from '../../shared/providers/provider.ts';
import type { ProviderId } from '../../shared/providers/registry.ts';
import type { SandboxApp } from '../../shared/sandbox/sandbox-app.ts';
import {
  SANDBOX_CONNECTIONS,
  SANDBOXES,
  type SandboxOptions,
} from '../../shared/sandbox/sandbox-registry.ts';
import { startSandboxServer } from '../../shared/sandbox/sandbox-server.ts';
import { contextFor } from './contexts.ts';

export interface ConnectionOverrides {
  token?: string;
  options?: Record<string, unknown>;
  statusMap?: StatusTable;
  includeRaw?: boolean;
  resilience?: Partial<ResilienceOptions>;
}

/** Fast retries so that fault tests finish quickly; each test can override. */
export const TEST_RESILIENCE: Partial<ResilienceOptions> = {
  initialDelayMs: 5,
  maxDelayMs: 20,
  timeoutMs: 2000,
};

export interface ProviderSandbox {
  app: SandboxApp;
  url: URL;
  /** A connection to this sandbox as a configured connection named after the provider. */
  connect(overrides?: ConnectionOverrides): ProviderConnection;
  close(): Promise<void>;
}

/** Starts a provider's sandbox on a loopback port, or serves the given app. */
export async function startProviderSandbox(
  provider: ProviderId,
  options: SandboxOptions = {},
  app: SandboxApp = SANDBOXES[provider](options),
): Promise<ProviderSandbox> {
  const server = await startSandboxServer(app);
  const defaults = SANDBOX_CONNECTIONS[provider];
  return {
    app,
    url: server.url,
    connect: (overrides = {}) => ({
      baseUrl: server.url,
      credentials: { token: overrides.token ?? defaults.token },
      options: overrides.options ?? defaults.options,
      http: createHttpClient(provider, { ...TEST_RESILIENCE, ...overrides.resilience }),
      context: contextFor(provider, {
        connection: provider,
        statusMap: overrides.statusMap ?? defaults.statusMap ?? {},
        includeRaw: overrides.includeRaw ?? false,
      }),
    }),
    close: () => server.close(),
  };
}
