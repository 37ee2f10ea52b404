import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The product's one DynamoDB table, described once: the CDK stack and the local runtime both build
 * it from this, so they cannot drift apart. Items are told apart by their keys (see each store).
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** A second view for listings across partitions (API keys, the event log). */
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Epoch seconds after which DynamoDB deletes an item (history and delivery retention). */
  timeToLiveAttribute: 'expiresAt',
} as const;

/** CreateTable input for the local runtime and tests (on-demand, like every deployed stage). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      TABLE.partitionKey,
      TABLE.sortKey,
      TABLE.index.partitionKey,
      TABLE.index.sortKey,
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE.index.name,
        KeySchema: [
          { AttributeName: TABLE.index.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
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
