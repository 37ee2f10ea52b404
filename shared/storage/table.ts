import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The product's one DynamoDB table, described once: the CDK stack and the local runtime both build
 * it from this, so they cannot drift apart. What each item is, and its keys, is in `keys.ts`.
 *
 * Two secondary indexes, both with every attribute projected:
 * - `gsi1`: listings that are small or sparse (API keys by id, invoices with unpublished events,
 *   webhook deliveries that are due);
 * - `gsi2`: the time-ordered reads, one partition per connection (invoices by the time their
 *   stored state changed, and the event log by the time each event was logged), so that no
 *   partition carries more than one connection's load.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  timeline: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Epoch seconds after which DynamoDB deletes an item (history and delivery retention). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export const SECONDARY_INDEXES = [TABLE.index, TABLE.timeline] as const;

/** CreateTable input for the local runtime and tests (on-demand, like every deployed stage). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      TABLE.partitionKey,
      TABLE.sortKey,
      ...SECONDARY_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: SECONDARY_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * The webhook relay's idempotency records (Powertools Idempotency), in a table of their own: every
 * delivery attempt writes one, and they expire on their own.
 */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', timeToLiveAttribute: 'expiration' } as const;

export function createIdempotencyTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}
