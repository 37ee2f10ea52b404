import { createHash } from 'node:crypto';
import type { Item, Table } from '../storage/dynamo.ts';
import { DUE_SHARDS, indexKeys, keys, SORT } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import {
  type DeliveryAttempt,
  DeliveryAttempt as DeliveryAttemptSchema,
  DeliveryRecord,
  type DeliveryStore,
} from './delivery-store.ts';

/**
 * Deliveries, attempts, rate windows and recover cooldowns in the endpoint's partition
 * (`WEBHOOK#<endpointId>`); pending deliveries are also listed in gsi1 by when they are due,
 * spread over `DUE_SHARDS` partitions by delivery id.
 */

const RETENTION_SECONDS = 30 * 86_400;

export function dueShard(deliveryId: string): number {
  return (createHash('sha256').update(deliveryId).digest()[0] ?? 0) % DUE_SHARDS;
}

function recordOf(item: Item | undefined): DeliveryRecord | null {
  return typeof item?.record === 'string' ? DeliveryRecord.parse(JSON.parse(item.record)) : null;
}

export class DynamoDeliveryStore implements DeliveryStore {
  readonly #table: Table;

  constructor(table: Table) {
    this.#table = table;
  }

  #item(record: DeliveryRecord, now: number): Item {
    const item: Item = {
      ...keys.delivery(record.endpointId, record.deliveryId),
      record: JSON.stringify(record),
      generation: record.generation,
      [TABLE.timeToLiveAttribute]: Math.floor(now / 1000) + RETENTION_SECONDS,
    };
    if (record.status === 'pending' && record.dueAt !== null) {
      item[TABLE.index.partitionKey] = indexKeys.due(dueShard(record.deliveryId));
      item[TABLE.index.sortKey] = indexKeys.dueSortKey(record.dueAt, record.endpointId, record.deliveryId);
    }
    return item;
  }

  async create(record: DeliveryRecord, now: number): Promise<'created' | DeliveryRecord> {
    if (
      await this.#table.putIf(this.#item(record, now), { ConditionExpression: 'attribute_not_exists(pk)' })
    ) {
      return 'created';
    }
    const existing = await this.get(record.endpointId, record.deliveryId);
    return existing ?? 'created';
  }

  async get(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    return recordOf(await this.#table.get(keys.delivery(endpointId, deliveryId)));
  }

  update(record: DeliveryRecord, expectedGeneration: number, now: number): Promise<boolean> {
    return this.#table.putIf(this.#item(record, now), {
      ConditionExpression: 'attribute_not_exists(generation) OR generation = :expected',
      ExpressionAttributeValues: { ':expected': expectedGeneration },
    });
  }

  async restart(
    seed: Pick<
      DeliveryRecord,
      | 'deliveryId'
      | 'endpointId'
      | 'tenant'
      | 'eventId'
      | 'eventType'
      | 'connection'
      | 'body'
      | 'createdAt'
      | 'correlationId'
    >,
    now: number,
  ): Promise<DeliveryRecord> {
    for (let tries = 0; tries < 5; tries++) {
      const existing = await this.get(seed.endpointId, seed.deliveryId);
      const record: DeliveryRecord = {
        ...seed,
        generation: (existing?.generation ?? 0) + 1,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        dueAt: new Date(now).toISOString(),
        requeues: 0,
      };
      if (await this.update(record, existing?.generation ?? 0, now)) return record;
    }
    throw new Error('delivery kept changing while being restarted');
  }

  async recordAttempt(endpointId: string, attempt: DeliveryAttempt, now: number): Promise<void> {
    await this.#table.put({
      ...keys.attempt(endpointId, attempt.at, attempt.deliveryId, attempt.attempt),
      record: JSON.stringify(attempt),
      [TABLE.timeToLiveAttribute]: Math.floor(now / 1000) + RETENTION_SECONDS,
    });
  }

  async attempts(
    endpointId: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }> {
    const pk = keys.webhook(endpointId);
    const page = await this.#table.queryPage({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': SORT.attempt },
      ScanIndexForward: false,
      Limit: limit,
      ...(cursor === null ? {} : { ExclusiveStartKey: { pk, sk: cursor } }),
    });
    return {
      attempts: page.items
        .map((item) =>
          typeof item.record === 'string' ? DeliveryAttemptSchema.parse(JSON.parse(item.record)) : null,
        )
        .filter((attempt) => attempt !== null),
      next: typeof page.last?.sk === 'string' ? page.last.sk : null,
    };
  }

  async due(shard: number, before: string, limit: number): Promise<DeliveryRecord[]> {
    const page = await this.#table.queryPage({
      IndexName: TABLE.index.name,
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey, '#sk': TABLE.index.sortKey },
      ExpressionAttributeValues: { ':pk': indexKeys.due(shard), ':before': before },
      Limit: limit,
    });
    return page.items.map((item) => recordOf(item)).filter((record) => record !== null);
  }

  takeRateToken(endpointId: string, perSecond: number, now: number): Promise<boolean> {
    const second = Math.floor(now / 1000);
    return this.#table.update(keys.rateWindow(endpointId, second), {
      UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
      ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
      ExpressionAttributeValues: { ':one': 1, ':limit': perSecond, ':ttl': second + 120 },
    });
  }

  async takeRecoverSlot(endpointId: string, cooldownMs: number, now: number): Promise<number | null> {
    const taken = await this.#table.update(keys.recoverCooldown(endpointId), {
      UpdateExpression: 'SET lastRecoverAt = :now',
      ConditionExpression: 'attribute_not_exists(lastRecoverAt) OR lastRecoverAt <= :earliest',
      ExpressionAttributeValues: { ':now': now, ':earliest': now - cooldownMs },
    });
    if (taken) return null;
    const item = await this.#table.get(keys.recoverCooldown(endpointId));
    const last = typeof item?.lastRecoverAt === 'number' ? item.lastRecoverAt : now;
    return Math.max(1, Math.ceil((last + cooldownMs - now) / 1000));
  }
}
