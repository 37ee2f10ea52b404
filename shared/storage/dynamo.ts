import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys.ts';

/**
 * The product's table through the DynamoDB document client (items are plain objects, marshalled by
 * `@aws-sdk/util-dynamodb` underneath), with what every store needs: conditional writes that answer
 * whether they happened, batching with retries of unprocessed items, and paging.
 */

export type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

type Condition = Pick<
  PutCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export type WriteRequest = { put: Item } | { delete: ItemKey };

function backoff(round: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, 25 * 2 ** round) * (0.5 + Math.random() / 2)),
  );
}

/** True when the write happened, false when its condition did not hold; anything else throws. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error: unknown) {
    if (error instanceof ConditionalCheckFailedException) return false;
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export class Table {
  readonly name: string;
  readonly #client: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, name: string) {
    this.name = name;
    this.#client = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async get(key: ItemKey, consistent = true): Promise<Item | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.name, Key: key, ConsistentRead: consistent }),
    );
    return Item;
  }

  async put(item: Item): Promise<void> {
    await this.#client.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  /** Puts the item when `condition` holds; answers whether it did. */
  putIf(item: Item, condition: Condition): Promise<boolean> {
    return conditional(this.#client.send(new PutCommand({ TableName: this.name, Item: item, ...condition })));
  }

  /** Updates when the update's own condition (if any) holds; answers whether it did. */
  update(key: ItemKey, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<boolean> {
    return conditional(this.#client.send(new UpdateCommand({ TableName: this.name, Key: key, ...input })));
  }

  /** Updates and answers the item as it is afterwards, or null when the condition failed. */
  async updateReturning(
    key: ItemKey,
    input: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
  ): Promise<Item | null> {
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({ TableName: this.name, Key: key, ...input, ReturnValues: 'ALL_NEW' }),
      );
      return Attributes ?? null;
    } catch (error: unknown) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return null;
      throw error;
    }
  }

  /** Deletes when the condition (if any) holds; answers the deleted item, or null. */
  async delete(
    key: ItemKey,
    input: Omit<DeleteCommandInput, 'TableName' | 'Key'> = {},
  ): Promise<Item | null> {
    try {
      const { Attributes } = await this.#client.send(
        new DeleteCommand({ TableName: this.name, Key: key, ReturnValues: 'ALL_OLD', ...input }),
      );
      return Attributes ?? null;
    } catch (error: unknown) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return null;
      throw error;
    }
  }

  /** Items by key in batches of 100, retrying what DynamoDB leaves unprocessed. */
  async batchGet(itemKeys: readonly ItemKey[], projection?: string): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < itemKeys.length; start += BATCH_GET_LIMIT) {
      let pending: Item[] = itemKeys.slice(start, start + BATCH_GET_LIMIT).map((key) => ({ ...key }));
      for (let round = 0; pending.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept keys unprocessed');
        if (round > 0) await backoff(round);
        const response = await this.#client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.name]: {
                Keys: pending,
                ConsistentRead: true,
                ...(projection ? { ProjectionExpression: projection } : {}),
              },
            },
          }),
        );
        items.push(...(response.Responses?.[this.name] ?? []));
        pending = response.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return items;
  }

  /** Puts and deletes in batches of 25, retrying what DynamoDB leaves unprocessed. No conditions. */
  async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    const all = requests.map((request) =>
      'put' in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } },
    );
    for (let start = 0; start < all.length; start += BATCH_WRITE_LIMIT) {
      let pending: typeof all = all.slice(start, start + BATCH_WRITE_LIMIT);
      for (let round = 0; pending.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept writes unprocessed');
        if (round > 0) await backoff(round);
        const response = await this.#client.send(
          new BatchWriteCommand({ RequestItems: { [this.name]: pending } }),
        );
        pending = (response.UnprocessedItems?.[this.name] ?? []) as typeof all;
      }
    }
  }

  /** One page of a query. */
  async queryPage(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<{ items: Item[]; last: Item | undefined }> {
    const page = await this.#client.send(new QueryCommand({ TableName: this.name, ...input }));
    return { items: page.Items ?? [], last: page.LastEvaluatedKey };
  }

  /** Every item a query matches, page by page, without holding them all. */
  async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const page = await this.queryPage({ ...input, ExclusiveStartKey: start });
      yield* page.items;
      start = page.last;
    } while (start !== undefined);
  }

  /** Every item of the table, page by page (for one-off maintenance such as a migration, never a request). */
  async *scan(): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({ TableName: this.name, ExclusiveStartKey: start }),
      );
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
}
