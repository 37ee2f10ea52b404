import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

/** Small helpers over the DynamoDB client that every store needs: batching, retries of unprocessed items, paging. */

export type Item = Record<string, AttributeValue>;

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });

function backoff(round: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, 25 * 2 ** round) * (0.5 + Math.random() / 2)),
  );
}

/** Gets items by key in batches of 100, retrying what DynamoDB leaves unprocessed. */
export async function batchGet(
  client: DynamoDBClient,
  table: string,
  keys: Item[],
  projection?: string,
): Promise<Item[]> {
  const items: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: Item[] = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept keys unprocessed');
      if (round > 0) await backoff(round);
      const response = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: true,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      items.push(...(response.Responses?.[table] ?? []));
      pending = response.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}

/** Writes (puts and deletes) in batches of 25, retrying what DynamoDB leaves unprocessed. */
export async function batchWrite(
  client: DynamoDBClient,
  table: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept writes unprocessed');
      if (round > 0) await backoff(round);
      const response = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = response.UnprocessedItems?.[table] ?? [];
    }
  }
}

/** Every item a query matches, page by page, without holding them all. */
export async function* queryAll(client: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}
