import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { Invoice } from '../invoice/invoice.ts';
import { batchGet, type Item, n, queryAll, s } from '../storage/dynamo.ts';
import { TABLE } from '../storage/table.ts';

/**
 * Each invoice's canonical state as last snapshotted, one item per invoice:
 * `pk = CONN#<connection>`, `sk = INV#<remoteId>`, holding the state (JSON), its hash, a version
 * that increases with every change, the last event sequence, and the outbox: events recorded with
 * the state change that produced them and removed only once published. While an outbox is not
 * empty the item carries `gsi1pk = OUTBOX#<connection>`, so pending events are found by a query.
 *
 * Every write is a single conditional write on this one item (no transactions), so the same code
 * holds its invariants on dynalite and on DynamoDB.
 */

export interface SnapshotRecord {
  remoteId: string;
  hash: string;
  version: number;
  sequence: number;
  gone: boolean;
  /** The watch that brought the invoice in (providers without a list endpoint), else null. */
  via: string | null;
  /** The stored state, parsed and validated on first use (most reads only compare hashes). */
  state(): Invoice;
  outbox(): InvoiceEvent[];
}

export interface SnapshotWrite {
  connection: string;
  remoteId: string;
  state: Invoice;
  hash: string;
  version: number;
  sequence: number;
  gone: boolean;
  via: string | null;
  /** Pending events: those still unpublished from before, plus the ones this change produced. */
  outbox: InvoiceEvent[];
  /** The version this change was computed from; null for a first sighting. */
  expectedVersion: number | null;
}

const Header = z.object({
  sk: z.object({ S: z.string().startsWith('INV#') }),
  hash: z.object({ S: z.string() }),
  version: z.object({ N: z.string().regex(/^\d+$/) }),
  sequence: z.object({ N: z.string().regex(/^\d+$/) }),
  gone: z.object({ BOOL: z.boolean() }).optional(),
  via: z.object({ S: z.string() }).optional(),
  state: z.object({ S: z.string() }),
  outbox: z.object({ M: z.record(z.string(), z.object({ S: z.string() })) }).optional(),
});

export class CorruptItem extends Error {}

const PREFIX = 'INV#';
const outboxIndexKey = (connection: string) => `OUTBOX#${connection}`;
const partition = (connection: string) => `CONN#${connection}`;

function decode(item: Item): SnapshotRecord {
  const header = Header.safeParse(item);
  if (!header.success)
    throw new CorruptItem(`snapshot item is malformed: ${header.error.issues[0]?.message}`);
  const h = header.data;
  let state: Invoice | undefined;
  let outbox: InvoiceEvent[] | undefined;
  return {
    remoteId: h.sk.S.slice(PREFIX.length),
    hash: h.hash.S,
    version: Number(h.version.N),
    sequence: Number(h.sequence.N),
    gone: h.gone?.BOOL ?? false,
    via: h.via?.S ?? null,
    state: () => {
      state ??= Invoice.parse(JSON.parse(h.state.S));
      return state;
    },
    outbox: () => {
      outbox ??= Object.values(h.outbox?.M ?? {})
        .map((value) => InvoiceEvent.parse(JSON.parse(value.S)))
        .sort((a, b) => a.sequence - b.sequence);
      return outbox;
    },
  };
}

export class SnapshotStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  #key(connection: string, remoteId: string): Item {
    return { [TABLE.partitionKey]: s(partition(connection)), [TABLE.sortKey]: s(`${PREFIX}${remoteId}`) };
  }

  /** The stored records of these invoices (absent ones are simply missing from the map). */
  async getMany(connection: string, remoteIds: readonly string[]): Promise<Map<string, SnapshotRecord>> {
    const unique = [...new Set(remoteIds)];
    const items = await batchGet(
      this.#client,
      this.#table,
      unique.map((id) => this.#key(connection, id)),
    );
    return new Map(items.map(decode).map((record) => [record.remoteId, record]));
  }

  /** Writes a change if the item is still at `expectedVersion`; 'conflict' when someone got there first. */
  async write(change: SnapshotWrite): Promise<'written' | 'conflict'> {
    const item: Item = {
      ...this.#key(change.connection, change.remoteId),
      state: s(JSON.stringify({ ...change.state, raw: undefined })),
      hash: s(change.hash),
      version: n(change.version),
      sequence: n(change.sequence),
      gone: { BOOL: change.gone },
      status: s(change.state.status),
      changedAt: s(new Date().toISOString()),
    };
    if (change.via !== null) item.via = s(change.via);
    if (change.outbox.length > 0) {
      item.outbox = {
        M: Object.fromEntries(change.outbox.map((event) => [event.id, s(JSON.stringify(event))])),
      };
      item[TABLE.index.partitionKey] = s(outboxIndexKey(change.connection));
      item[TABLE.index.sortKey] = s(change.remoteId);
    }
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: item,
          ...(change.expectedVersion === null
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': n(change.expectedVersion) },
              }),
        }),
      );
      return 'written';
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  /** Records whose outbox still holds events, found through the sparse index. */
  async *pending(connection: string): AsyncGenerator<SnapshotRecord> {
    const keys = queryAll(this.#client, {
      TableName: this.#table,
      IndexName: TABLE.index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey },
      ExpressionAttributeValues: { ':pk': s(outboxIndexKey(connection)) },
    });
    for await (const item of keys) yield decode(item);
  }

  /**
   * Removes published events from an outbox. When they were all it held, the outbox index entry
   * goes in the same write; if a newer change added events meanwhile, only ours are removed.
   */
  async clearOutbox(
    connection: string,
    remoteId: string,
    published: readonly string[],
    outboxSize: number,
  ): Promise<void> {
    if (published.length === 0) return;
    const names: Record<string, string> = { '#outbox': 'outbox' };
    const removals = published.map((id, index) => {
      names[`#e${index}`] = id;
      return `#outbox.#e${index}`;
    });
    const key = this.#key(connection, remoteId);
    if (published.length === outboxSize) {
      try {
        await this.#client.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: key,
            UpdateExpression: `REMOVE #outbox, #gpk, #gsk`,
            ConditionExpression: `size(#outbox) = :size AND ${removals.map((path) => `attribute_exists(${path})`).join(' AND ')}`,
            ExpressionAttributeNames: {
              ...names,
              '#gpk': TABLE.index.partitionKey,
              '#gsk': TABLE.index.sortKey,
            },
            ExpressionAttributeValues: { ':size': n(outboxSize) },
          }),
        );
        return;
      } catch (error: unknown) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    await this.#client
      .send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: `REMOVE ${removals.join(', ')}`,
          ConditionExpression: 'attribute_exists(#outbox)',
          ExpressionAttributeNames: names,
        }),
      )
      .catch((error: unknown) => {
        // Already cleared by a concurrent publisher: nothing left to do.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** Every stored invoice of a connection, with just what gone-detection needs. */
  async *all(connection: string): AsyncGenerator<{ remoteId: string; gone: boolean; via: string | null }> {
    const items = queryAll(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ProjectionExpression: '#sk, gone, via',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': s(partition(connection)), ':prefix': s(PREFIX) },
    });
    for await (const item of items) {
      yield {
        remoteId: (item.sk?.S ?? '').slice(PREFIX.length),
        gone: item.gone?.BOOL ?? false,
        via: item.via?.S ?? null,
      };
    }
  }

  /**
   * Forgets an invoice nobody watches any more (no event: it did not change, we stopped looking).
   * An item with unpublished events stays until they are out.
   */
  async forget(connection: string, remoteId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: this.#key(connection, remoteId),
          ConditionExpression: 'attribute_not_exists(#outbox)',
          ExpressionAttributeNames: { '#outbox': 'outbox' },
        }),
      );
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
