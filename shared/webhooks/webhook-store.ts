import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type Item, n, queryAll, s } from '../storage/dynamo.ts';
import { TABLE } from '../storage/table.ts';
import { type DeliveryAttempt, DeliveryAttempt as DeliveryAttemptSchema, EndpointRecord } from './webhook.ts';

/**
 * Webhook endpoints, deliveries, attempts and rate windows in the product's table:
 * - endpoint: `pk = TENANT#<tenant>`, `sk = WEBHOOK#<id>` (and `gsi1pk = WEBHOOKS` for the fan-out);
 * - delivery: `pk = WEBHOOK#<id>`, `sk = DELIVERY#<deliveryId>`: the body to send and its state;
 * - attempt:  `pk = WEBHOOK#<id>`, `sk = ATTEMPT#<time>#<deliveryId>#<n>`, newest listed first;
 * - rate window: `pk = WEBHOOK#<id>`, `sk = RATE#<epoch second>`, a counter per second.
 * Endpoint secrets are stored with the endpoint (the table is encrypted with the stage's KMS key);
 * they never leave the relay except once, when created or rotated.
 */

export const DeliveryRecord = z.object({
  deliveryId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  body: z.string(),
  generation: z.number().int(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead', 'cancelled']),
  attempts: z.number().int(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
});
export type DeliveryRecord = z.infer<typeof DeliveryRecord>;

const RETENTION_SECONDS = 30 * 86_400;
const LISTING = 'WEBHOOKS';

function recordOf<T>(schema: z.ZodType<T>, item: Item | undefined): T | null {
  return item?.record?.S === undefined ? null : schema.parse(JSON.parse(item.record.S));
}

/** The stored record with the health attributes the relay updates on their own. */
function endpointOf(item: Item | undefined): EndpointRecord | null {
  const record = recordOf(EndpointRecord, item);
  if (record === null || item === undefined) return null;
  if (item.enabled?.BOOL !== undefined) record.enabled = item.enabled.BOOL;
  if (item.disabledReason !== undefined) record.disabledReason = item.disabledReason.S ?? null;
  if (item.failingSince !== undefined) record.failingSince = item.failingSince.S ?? null;
  return record;
}

export class WebhookStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  #endpointKey(tenant: string, id: string): Item {
    return { [TABLE.partitionKey]: s(`TENANT#${tenant}`), [TABLE.sortKey]: s(`WEBHOOK#${id}`) };
  }

  #deliveryKey(endpointId: string, deliveryId: string): Item {
    return { [TABLE.partitionKey]: s(`WEBHOOK#${endpointId}`), [TABLE.sortKey]: s(`DELIVERY#${deliveryId}`) };
  }

  async saveEndpoint(record: EndpointRecord, mode: 'create' | 'replace'): Promise<boolean> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...this.#endpointKey(record.tenant, record.id),
            [TABLE.index.partitionKey]: s(LISTING),
            [TABLE.index.sortKey]: s(record.id),
            record: s(JSON.stringify(EndpointRecord.parse(record))),
            enabled: { BOOL: record.enabled },
            disabledReason: record.disabledReason === null ? { NULL: true } : s(record.disabledReason),
            failingSince: record.failingSince === null ? { NULL: true } : s(record.failingSince),
          },
          ConditionExpression: mode === 'create' ? 'attribute_not_exists(#pk)' : 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async endpoint(tenant: string, id: string): Promise<EndpointRecord | null> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: this.#endpointKey(tenant, id),
        ConsistentRead: true,
      }),
    );
    return endpointOf(Item);
  }

  /**
   * The relay's view of an endpoint's health, written without touching the rest of the record, so
   * that a concurrent update through the API is never overwritten by a delivery.
   */
  async setHealth(
    tenant: string,
    id: string,
    health: { failingSince: string | null } | { enabled: false; disabledReason: string },
  ): Promise<void> {
    const values: Item =
      'failingSince' in health
        ? { ':failing': health.failingSince === null ? { NULL: true } : s(health.failingSince) }
        : { ':enabled': { BOOL: false }, ':reason': s(health.disabledReason) };
    await this.#client
      .send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: this.#endpointKey(tenant, id),
          UpdateExpression:
            'failingSince' in health
              ? 'SET failingSince = :failing'
              : 'SET enabled = :enabled, disabledReason = :reason',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: values,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error; // deleted meanwhile
      });
  }

  async endpoints(tenant: string): Promise<EndpointRecord[]> {
    const records: EndpointRecord[] = [];
    for await (const item of queryAll(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': s(`TENANT#${tenant}`), ':prefix': s('WEBHOOK#') },
    })) {
      const record = endpointOf(item);
      if (record !== null) records.push(record);
    }
    return records;
  }

  /** Every endpoint of every tenant, for the fan-out. */
  async allEndpoints(): Promise<EndpointRecord[]> {
    const records: EndpointRecord[] = [];
    for await (const item of queryAll(this.#client, {
      TableName: this.#table,
      IndexName: TABLE.index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey },
      ExpressionAttributeValues: { ':pk': s(LISTING) },
    })) {
      const record = endpointOf(item);
      if (record !== null) records.push(record);
    }
    return records;
  }

  async deleteEndpoint(tenant: string, id: string): Promise<boolean> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: this.#endpointKey(tenant, id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Creates a delivery once; a repeated fan-out of the same event finds it and changes nothing. */
  async createDelivery(record: DeliveryRecord): Promise<void> {
    await this.#putDelivery(record, {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    });
  }

  async delivery(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: this.#deliveryKey(endpointId, deliveryId),
        ConsistentRead: true,
      }),
    );
    return recordOf(DeliveryRecord, Item);
  }

  /** Replaces a delivery's state, only if nobody moved it to another generation meanwhile. */
  async updateDelivery(record: DeliveryRecord, expectedGeneration: number): Promise<boolean> {
    return this.#putDelivery(record, {
      ConditionExpression: 'attribute_not_exists(generation) OR generation = :expected',
      ExpressionAttributeValues: { ':expected': n(expectedGeneration) },
    });
  }

  /** Writes a delivery's item when `condition` holds; answers whether it did. */
  async #putDelivery(
    record: DeliveryRecord,
    condition: Pick<
      PutItemCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...this.#deliveryKey(record.endpointId, record.deliveryId),
            record: s(JSON.stringify(record)),
            generation: n(record.generation),
            [TABLE.timeToLiveAttribute]: n(Math.floor(Date.now() / 1000) + RETENTION_SECONDS),
          },
          ...condition,
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Starts a delivery over as a new generation (a manual retry or a recover): attempts begin
   * again at one, and messages of older generations are ignored. Creates it if it never existed.
   */
  async restartDelivery(
    seed: Omit<DeliveryRecord, 'generation' | 'status' | 'attempts' | 'lastAttemptAt'>,
  ): Promise<number> {
    for (let tries = 0; tries < 5; tries++) {
      const existing = await this.delivery(seed.endpointId, seed.deliveryId);
      const generation = (existing?.generation ?? 0) + 1;
      const record: DeliveryRecord = {
        ...seed,
        generation,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
      };
      if (await this.updateDelivery(record, existing?.generation ?? 0)) return generation;
    }
    throw new Error('delivery kept changing while being restarted');
  }

  async recordAttempt(endpointId: string, attempt: DeliveryAttempt): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          [TABLE.partitionKey]: s(`WEBHOOK#${endpointId}`),
          [TABLE.sortKey]: s(`ATTEMPT#${attempt.at}#${attempt.deliveryId}#${attempt.attempt}`),
          record: s(JSON.stringify(attempt)),
          [TABLE.timeToLiveAttribute]: n(Math.floor(Date.now() / 1000) + RETENTION_SECONDS),
        },
      }),
    );
  }

  /** Attempts, newest first; `cursor` is the sort key to continue after. */
  async attempts(
    endpointId: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }> {
    const pk = s(`WEBHOOK#${endpointId}`);
    const page = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': s('ATTEMPT#') },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor === null
          ? {}
          : { ExclusiveStartKey: { [TABLE.partitionKey]: pk, [TABLE.sortKey]: s(cursor) } }),
      }),
    );
    return {
      attempts: (page.Items ?? [])
        .map((item) => recordOf(DeliveryAttemptSchema, item))
        .filter((a) => a !== null),
      next: page.LastEvaluatedKey?.sk?.S ?? null,
    };
  }

  /** One token from an endpoint's per-second window; false when this second's are spent. */
  async takeRateToken(endpointId: string, perSecond: number, now: number = Date.now()): Promise<boolean> {
    const second = Math.floor(now / 1000);
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { [TABLE.partitionKey]: s(`WEBHOOK#${endpointId}`), [TABLE.sortKey]: s(`RATE#${second}`) },
          UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
          ExpressionAttributeValues: { ':one': n(1), ':limit': n(perSecond), ':ttl': n(second + 120) },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
