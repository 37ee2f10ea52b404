import { readFileSync } from 'node:fs';
import { type ConnectionConfig, ConnectionConfigs } from '../../shared/connections/connection-config.ts';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers/registry.ts';
import { SANDBOX_CONNECTIONS } from '../../shared/sandbox/sandbox-registry.ts';

/**
 * The local runtime's connections. By default one per sandbox provider (connection id = provider
 * id) at `<runtime>/sandbox/<provider>`, their tokens handed over in environment variables.
 * With `INVOICE_RELAY_CONNECTIONS=<file>`, the connections in that JSON file instead (real
 * providers; each names the environment variable that holds its credential).
 */

export interface LocalConnections {
  connections: ConnectionConfig[];
  /** Environment variables the connections' credential references expect. */
  secrets: Record<string, string>;
  sandboxed: boolean;
}

export function sandboxTokenVariable(provider: string): string {
  return `SANDBOX_TOKEN_${provider.toUpperCase().replace(/-/g, '_')}`;
}

export function localConnections(runtimeUrl: string, connectionsFile?: string): LocalConnections {
  if (connectionsFile !== undefined) {
    const parsed = ConnectionConfigs.safeParse(JSON.parse(readFileSync(connectionsFile, 'utf8')));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Error(`${connectionsFile}: ${first?.path.join('.')}: ${first?.message}`);
    }
    return { connections: parsed.data, secrets: {}, sandboxed: false };
  }
  const secrets: Record<string, string> = {};
  const connections = PROVIDER_IDS.map((provider) => {
    secrets[sandboxTokenVariable(provider)] = SANDBOX_CONNECTIONS[provider].token;
    return sandboxConnection(provider, `${runtimeUrl}/sandbox/${provider}`);
  });
  return { connections, secrets, sandboxed: true };
}

/**
 * The connection to one sandbox provider at `baseUrl` (connection id = provider id); its token is
 * expected in the environment variable `sandboxTokenVariable(provider)` names.
 */
export function sandboxConnection(provider: ProviderId, baseUrl: string): ConnectionConfig {
  const sandbox = SANDBOX_CONNECTIONS[provider];
  return {
    id: provider,
    provider,
    baseUrl,
    statusMap: sandbox.statusMap ?? {},
    options: sandbox.options,
    credentials: { environment: sandboxTokenVariable(provider) },
  };
}
