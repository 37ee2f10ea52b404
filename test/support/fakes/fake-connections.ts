import type { ConnectionConfig } from '../../../shared/connections/connection-config.ts';
import type { ConnectionRegistry } from '../../../shared/connections/connection-registry.ts';
import { NotFound } from '../../../shared/errors.ts';
import type { ProviderConnection } from '../../../shared/providers/provider.ts';
import { bindSignal, type FakeProvider } from './fake-provider.ts';

/**
 * The connection registry over fake providers: each connection names its provider and, if it
 * wants, its own page cap; an unknown connection is NotFound, as ConfiguredConnections answers.
 * The HTTP client of an opened connection refuses every request: a fake provider never calls it.
 */
export class FakeConnections implements ConnectionRegistry {
  readonly #entries = new Map<string, { adapter: FakeProvider; config: ConnectionConfig }>();
  /** Connections opened, with the options they were opened with. */
  readonly opened: Array<{ id: string; includeRaw: boolean; signal: AbortSignal | undefined }> = [];

  constructor(connections: Array<{ id: string; adapter: FakeProvider; maxPagesPerWalk?: number }>) {
    for (const { id, adapter, maxPagesPerWalk } of connections) {
      this.#entries.set(id, {
        adapter,
        config: {
          id,
          // The schema knows only the real providers; nothing below the registry looks them up.
          provider: adapter.id as ConnectionConfig['provider'],
          baseUrl: `https://${id}.provider.example/`,
          statusMap: {},
          options: {},
          credentials: { environment: 'FAKE_PROVIDER_TOKEN' },
          ...(maxPagesPerWalk === undefined ? {} : { limits: { maxPagesPerWalk } }),
        },
      });
    }
  }

  #entry(id: string) {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new NotFound('connection', id);
    return entry;
  }

  all(): ConnectionConfig[] {
    return [...this.#entries.values()].map((entry) => entry.config);
  }

  config(id: string): ConnectionConfig {
    return this.#entry(id).config;
  }

  adapter(id: string): FakeProvider {
    return this.#entry(id).adapter;
  }

  provider(id: string): FakeProvider {
    return this.adapter(id);
  }

  async open(
    id: string,
    options: { includeRaw?: boolean; signal?: AbortSignal } = {},
  ): Promise<ProviderConnection> {
    const { adapter, config } = this.#entry(id);
    this.opened.push({ id, includeRaw: options.includeRaw ?? false, signal: options.signal });
    const connection: ProviderConnection = {
      baseUrl: new URL(config.baseUrl),
      credentials: { token: 'fake-token' },
      options: {},
      http: {
        send: async () => {
          throw new Error('a fake provider makes no HTTP requests');
        },
      },
      context: {
        provider: adapter.id,
        connection: id,
        timeZone: adapter.defaults.timeZone,
        currency: adapter.defaults.currency,
        statusMap: {},
        includeRaw: options.includeRaw ?? false,
      },
    };
    bindSignal(connection, options.signal);
    return connection;
  }
}
