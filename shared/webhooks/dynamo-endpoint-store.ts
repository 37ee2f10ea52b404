import { mapConcurrently } from '../concurrency.ts';
import type { Item, Table } from '../storage/dynamo.ts';
import { keys, SORT } from '../storage/keys.ts';
import {
  type EndpointHealth,
  type EndpointRef,
  type EndpointStore,
  healthChanged,
} from './endpoint-store.ts';
import { type EndpointConnections, type EndpointRecord, parseEndpointRecord } from './webhook.ts';

/**
 * Endpoints in the product's table: the record under its tenant (`TENANT#<tenant>`), with the
 * health attributes the relay updates on their own, and one route item per connection it
 * receives (`ROUTE#<connection>`, or `ROUTE#*` for every connection).
 */

/** The stored record with the health attributes the relay updates on their own. */
function endpointOf(item: Item | undefined): EndpointRecord | null {
  if (item === undefined || typeof item.record !== 'string') return null;
  const record = parseEndpointRecord(JSON.parse(item.record));
  if (typeof item.enabled === 'boolean') record.enabled = item.enabled;
  if (item.disabledReason !== undefined)
    record.disabledReason = (item.disabledReason as string | null) ?? null;
  if (item.failingSince !== undefined) record.failingSince = (item.failingSince as string | null) ?? null;
  return record;
}

function routeConnections(connections: EndpointConnections): string[] {
  return connections === '*' ? ['*'] : [...connections];
}

export class DynamoEndpointStore implements EndpointStore {
  readonly #table: Table;

  constructor(table: Table) {
    this.#table = table;
  }

  #item(record: EndpointRecord): Item {
    return {
      ...keys.endpoint(record.tenant, record.id),
      record: JSON.stringify(record),
      updatedAt: record.updatedAt,
      enabled: record.enabled,
      disabledReason: record.disabledReason,
      failingSince: record.failingSince,
    };
  }

  async #addRoutes(record: EndpointRecord, connections: readonly string[]) {
    await this.#table.batchWrite(
      connections.map((connection) => ({
        put: { ...keys.route(connection, record.id), tenant: record.tenant },
      })),
    );
  }

  async #removeRoutes(endpointId: string, connections: readonly string[]) {
    await this.#table.batchWrite(
      connections.map((connection) => ({ delete: keys.route(connection, endpointId) })),
    );
  }

  async create(record: EndpointRecord): Promise<boolean> {
    await this.#addRoutes(record, routeConnections(record.connections));
    return this.#table.putIf(this.#item(record), { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  async replace(record: EndpointRecord, previous: EndpointRecord): Promise<boolean> {
    const before = routeConnections(previous.connections);
    const after = routeConnections(record.connections);
    // Every route it needs, not only new ones: endpoints stored before routes existed have none.
    await this.#addRoutes(record, after);
    const health = healthChanged(record, previous);
    const replaced = await this.#table.update(keys.endpoint(record.tenant, record.id), {
      UpdateExpression: `SET #record = :record, updatedAt = :updated${health ? ', enabled = :enabled, disabledReason = :reason, failingSince = :failing' : ''}`,
      ConditionExpression:
        'attribute_exists(pk) AND (updatedAt = :previous OR attribute_not_exists(updatedAt))',
      ExpressionAttributeNames: { '#record': 'record' },
      ExpressionAttributeValues: {
        ':record': JSON.stringify(record),
        ':updated': record.updatedAt,
        ':previous': previous.updatedAt,
        ...(health
          ? { ':enabled': record.enabled, ':reason': record.disabledReason, ':failing': record.failingSince }
          : {}),
      },
    });
    if (replaced)
      await this.#removeRoutes(
        record.id,
        before.filter((connection) => !after.includes(connection)),
      );
    return replaced;
  }

  async get(tenant: string, endpointId: string): Promise<EndpointRecord | null> {
    return endpointOf(await this.#table.get(keys.endpoint(tenant, endpointId)));
  }

  async list(tenant: string): Promise<EndpointRecord[]> {
    const records: EndpointRecord[] = [];
    for await (const item of this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenant), ':prefix': SORT.webhook },
    })) {
      const record = endpointOf(item);
      if (record !== null) records.push(record);
    }
    return records;
  }

  async delete(tenant: string, endpointId: string): Promise<EndpointRecord | null> {
    const deleted = endpointOf(
      (await this.#table.delete(keys.endpoint(tenant, endpointId), {
        ConditionExpression: 'attribute_exists(pk)',
      })) ?? undefined,
    );
    if (deleted !== null) await this.#removeRoutes(endpointId, routeConnections(deleted.connections));
    return deleted;
  }

  async setHealth(tenant: string, endpointId: string, health: EndpointHealth): Promise<void> {
    await this.#table.update(keys.endpoint(tenant, endpointId), {
      UpdateExpression:
        'failingSince' in health
          ? 'SET failingSince = :failing'
          : 'SET enabled = :enabled, disabledReason = :reason',
      // Deleted meanwhile: nothing to update.
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues:
        'failingSince' in health
          ? { ':failing': health.failingSince }
          : { ':enabled': false, ':reason': health.disabledReason },
    });
  }

  async routed(connections: readonly string[]): Promise<EndpointRef[]> {
    const partitions = [...new Set([...connections, '*'])];
    const found = await mapConcurrently(partitions, 8, async (connection) => {
      const refs: EndpointRef[] = [];
      for await (const item of this.#table.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.routes(connection) },
      })) {
        refs.push({ tenant: String(item.tenant), endpointId: String(item.sk) });
      }
      return refs;
    });
    const unique = new Map(found.flat().map((ref) => [`${ref.tenant}/${ref.endpointId}`, ref]));
    return [...unique.values()];
  }

  async getMany(refs: readonly EndpointRef[]): Promise<EndpointRecord[]> {
    const items = await this.#table.batchGet(refs.map((ref) => keys.endpoint(ref.tenant, ref.endpointId)));
    return items.map(endpointOf).filter((record) => record !== null);
  }
}
