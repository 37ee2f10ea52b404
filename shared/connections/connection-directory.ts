import { NotFound } from '../errors.ts';
import { PROVIDER_PROFILES, type ProviderId } from '../providers/profiles.ts';
import type { ProviderProfile } from '../providers/provider.ts';
import type { ConnectionConfig } from './connection-config.ts';

/**
 * The configured connections, as the services that never call a provider see them: their
 * configuration and their provider's profile (its id, the shapes of its ids, its options). The functions
 * that call providers use ConfiguredConnections (connection-registry.ts), which adds the adapters.
 */
export interface ConnectionDirectory {
  all(): ConnectionConfig[];
  /** The connection's config; NotFound when there is none. */
  config(id: string): ConnectionConfig;
  /** The connection's provider, as far as ids go; NotFound when there is no such connection. */
  provider(id: string): ProviderProfile;
}

export class ConfiguredDirectory implements ConnectionDirectory {
  readonly #configs: ReadonlyMap<string, ConnectionConfig>;

  constructor(configs: readonly ConnectionConfig[]) {
    this.#configs = new Map(configs.map((config) => [config.id, config]));
  }

  all(): ConnectionConfig[] {
    return [...this.#configs.values()];
  }

  config(id: string): ConnectionConfig {
    const config = this.#configs.get(id);
    if (config === undefined) throw new NotFound('connection', id);
    return config;
  }

  provider(id: string): ProviderProfile {
    return PROVIDER_PROFILES[this.config(id).provider as ProviderId];
  }
}
