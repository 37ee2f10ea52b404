import type { SecretSource } from '../config/secrets.ts';
import { NotFound } from '../errors.ts';
import { createHttpClient, type HttpClient, type ResilienceOptions } from '../http/http-client.ts';
import { defaultMaxRecords, type ProviderAdapter, type ProviderConnection } from '../providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../providers/registry.ts';
import type { ConnectionConfig } from './connection-config.ts';

/** The configured connections, as the services see them. */
export interface ConnectionRegistry {
  all(): ConnectionConfig[];
  /** The connection's config; NotFound when there is none. */
  config(id: string): ConnectionConfig;
  adapter(id: string): ProviderAdapter;
  /**
   * The connection ready to be called. With `signal`, every provider call made through it is
   * abandoned when the signal aborts (a walk that must stop, a runtime shutting down).
   */
  open(id: string, options?: { includeRaw?: boolean; signal?: AbortSignal }): Promise<ProviderConnection>;
}

/**
 * The configured connections, opened for calls: the adapter, the credentials (resolved through
 * the secret source on each open, which caches them) and one HTTP client per connection, kept for
 * the life of the process so that its circuit breaker remembers failures across requests.
 */
export class ConfiguredConnections implements ConnectionRegistry {
  readonly #configs: ReadonlyMap<string, ConnectionConfig>;
  readonly #secrets: SecretSource;
  readonly #resilience: Partial<ResilienceOptions>;
  readonly #clients = new Map<string, HttpClient>();

  constructor(
    configs: readonly ConnectionConfig[],
    secrets: SecretSource,
    resilience: Partial<ResilienceOptions> = {},
  ) {
    this.#configs = new Map(configs.map((config) => [config.id, config]));
    this.#secrets = secrets;
    this.#resilience = resilience;
  }

  all(): ConnectionConfig[] {
    return [...this.#configs.values()];
  }

  config(id: string): ConnectionConfig {
    const config = this.#configs.get(id);
    if (config === undefined) throw new NotFound('connection', id);
    return config;
  }

  adapter(id: string): ProviderAdapter {
    return PROVIDERS[this.config(id).provider as ProviderId];
  }

  async open(
    id: string,
    options: { includeRaw?: boolean; signal?: AbortSignal } = {},
  ): Promise<ProviderConnection> {
    const config = this.config(id);
    const adapter = this.adapter(id);
    let http = this.#clients.get(id);
    if (http === undefined) {
      http = createHttpClient(adapter.id, this.#resilience);
      this.#clients.set(id, http);
    }
    return {
      baseUrl: new URL(config.baseUrl),
      credentials: { token: await this.#secrets.get(config.credentials) },
      options: config.options,
      http: options.signal === undefined ? http : withSignal(http, options.signal),
      context: {
        provider: adapter.id,
        connection: config.id,
        timeZone: config.timeZone ?? adapter.defaults.timeZone,
        currency: config.currency === undefined ? adapter.defaults.currency : config.currency,
        statusMap: config.statusMap,
        includeRaw: options.includeRaw ?? false,
        maxRecords: config.limits?.maxRecordsPerResponse ?? defaultMaxRecords(adapter),
      },
    };
  }
}

/** The same client, with every request bound to `signal`. */
function withSignal(http: HttpClient, signal: AbortSignal): HttpClient {
  return { send: (request) => http.send({ ...request, signal: request.signal ?? signal }) };
}
