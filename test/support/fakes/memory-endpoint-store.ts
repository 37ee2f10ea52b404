import {
  type EndpointHealth,
  type EndpointRef,
  type EndpointStore,
  healthChanged,
} from '../../../shared/webhooks/endpoint-store.ts';
import {
  type EndpointConnections,
  type EndpointRecord,
  parseEndpointRecord,
} from '../../../shared/webhooks/webhook.ts';
import { byKey } from './key-order.ts';

/**
 * Webhook endpoints in memory, with the semantics of the DynamoDB store (dynamo-endpoint-store.ts):
 * the record under its tenant with the health attributes kept beside it (the relay writes those
 * alone), a route per connection it receives ('*' for all), routes written before the record and
 * removed after it, and a replace that holds only while the record is as `previous` left it.
 */

interface StoredEndpoint {
  record: string;
  updatedAt: string;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
}

function routeConnections(connections: EndpointConnections): string[] {
  return connections === '*' ? ['*'] : [...connections];
}

export class MemoryEndpointStore implements EndpointStore {
  /** `<tenant>|<endpointId>` → the stored endpoint. */
  readonly #endpoints = new Map<string, StoredEndpoint>();
  /** connection (or '*') → endpoint id → tenant. */
  readonly #routes = new Map<string, Map<string, string>>();

  #put(record: EndpointRecord): void {
    this.#endpoints.set(`${record.tenant}|${record.id}`, {
      record: JSON.stringify(record),
      updatedAt: record.updatedAt,
      enabled: record.enabled,
      disabledReason: record.disabledReason,
      failingSince: record.failingSince,
    });
  }

  #addRoutes(record: EndpointRecord, connections: readonly string[]): void {
    for (const connection of connections) {
      const routes = this.#routes.get(connection) ?? new Map<string, string>();
      routes.set(record.id, record.tenant);
      this.#routes.set(connection, routes);
    }
  }

  #removeRoutes(endpointId: string, connections: readonly string[]): void {
    for (const connection of connections) this.#routes.get(connection)?.delete(endpointId);
  }

  async create(record: EndpointRecord): Promise<boolean> {
    this.#addRoutes(record, routeConnections(record.connections));
    if (this.#endpoints.has(`${record.tenant}|${record.id}`)) return false;
    this.#put(record);
    return true;
  }

  async replace(record: EndpointRecord, previous: EndpointRecord): Promise<boolean> {
    const before = routeConnections(previous.connections);
    const after = routeConnections(record.connections);
    this.#addRoutes(record, after);
    const stored = this.#endpoints.get(`${record.tenant}|${record.id}`);
    if (stored === undefined || stored.updatedAt !== previous.updatedAt) return false;
    const health = healthChanged(record, previous)
      ? record
      : { enabled: stored.enabled, disabledReason: stored.disabledReason, failingSince: stored.failingSince };
    this.#put({ ...record, ...health });
    this.#removeRoutes(
      record.id,
      before.filter((connection) => !after.includes(connection)),
    );
    return true;
  }

  async get(tenant: string, endpointId: string): Promise<EndpointRecord | null> {
    const stored = this.#endpoints.get(`${tenant}|${endpointId}`);
    return stored === undefined ? null : endpointOf(stored);
  }

  async list(tenant: string): Promise<EndpointRecord[]> {
    return [...this.#endpoints.entries()]
      .filter(([key]) => key.startsWith(`${tenant}|`))
      .sort(([a], [b]) => byKey(a, b))
      .map(([, stored]) => endpointOf(stored));
  }

  async delete(tenant: string, endpointId: string): Promise<EndpointRecord | null> {
    const stored = this.#endpoints.get(`${tenant}|${endpointId}`);
    if (stored === undefined) return null;
    this.#endpoints.delete(`${tenant}|${endpointId}`);
    const deleted = endpointOf(stored);
    this.#removeRoutes(endpointId, routeConnections(deleted.connections));
    return deleted;
  }

  async setHealth(tenant: string, endpointId: string, health: EndpointHealth): Promise<void> {
    const stored = this.#endpoints.get(`${tenant}|${endpointId}`);
    if (stored === undefined) return;
    if ('failingSince' in health) stored.failingSince = health.failingSince;
    else {
      stored.enabled = false;
      stored.disabledReason = health.disabledReason;
    }
  }

  async routed(connections: readonly string[]): Promise<EndpointRef[]> {
    const refs = new Map<string, EndpointRef>();
    for (const connection of new Set([...connections, '*'])) {
      for (const [endpointId, tenant] of this.#routes.get(connection) ?? [])
        refs.set(`${tenant}/${endpointId}`, { tenant, endpointId });
    }
    return [...refs.values()];
  }

  async getMany(refs: readonly EndpointRef[]): Promise<EndpointRecord[]> {
    const found: EndpointRecord[] = [];
    for (const key of new Set(refs.map((ref) => `${ref.tenant}|${ref.endpointId}`))) {
      const stored = this.#endpoints.get(key);
      if (stored !== undefined) found.push(endpointOf(stored));
    }
    return found;
  }

  /** The connections with a route to this endpoint, for assertions. */
  routesOf(endpointId: string): string[] {
    return [...this.#routes.entries()]
      .filter(([, routes]) => routes.has(endpointId))
      .map(([connection]) => connection)
      .sort(byKey);
  }
}

function endpointOf(stored: StoredEndpoint): EndpointRecord {
  return {
    ...parseEndpointRecord(JSON.parse(stored.record)),
    enabled: stored.enabled,
    disabledReason: stored.disabledReason,
    failingSince: stored.failingSince,
  };
}
