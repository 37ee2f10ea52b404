import * as z from 'zod';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { Invoice } from '../invoice/invoice.ts';
import type { Item, Table } from '../storage/dynamo.ts';
import { indexKeys, keys, SORT } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import {
  CorruptItem,
  type SnapshotHeader,
  type SnapshotRecord,
  type SnapshotStore,
  type SnapshotWrite,
} from './snapshot-store.ts';

/**
 * The snapshot store in the product's table (keys in shared/storage/keys.ts): one item per
 * invoice; while its outbox holds events it is listed in gsi1 (`OUTBOX#<connection>`), and while
 * it is followed it is listed in gsi2 by the time its state changed (`CHANGES#<connection>`),
 * which the snapshot reads page through.
 */

const StoredSnapshot = z.object({
  sk: z.string().startsWith(SORT.snapshot),
  hash: z.string(),
  version: z.number().int().nonnegative(),
  sequence: z.number().int().nonnegative(),
  gone: z.boolean().optional(),
  // Items written before tombstones existed have no flag: they are followed.
  followed: z.boolean().optional(),
  via: z.string().optional(),
  changedAt: z.string().optional(),
  state: z.string(),
  outbox: z.record(z.string(), z.string()).optional(),
});

/** Decodes a stored item; the state and outbox are parsed only when asked for. */
export function decodeSnapshot(item: Item): SnapshotRecord {
  const header = StoredSnapshot.safeParse(item);
  if (!header.success)
    throw new CorruptItem(`snapshot item is malformed: ${header.error.issues[0]?.message}`);
  const h = header.data;
  let state: Invoice | undefined;
  let outbox: InvoiceEvent[] | undefined;
  return {
    remoteId: h.sk.slice(SORT.snapshot.length),
    hash: h.hash,
    version: h.version,
    sequence: h.sequence,
    gone: h.gone ?? false,
    followed: h.followed ?? true,
    via: h.via ?? null,
    changedAt: h.changedAt ?? '1970-01-01T00:00:00.000Z',
    state: () => {
      state ??= Invoice.parse(JSON.parse(h.state));
      return state;
    },
    outbox: () => {
      outbox ??= Object.values(h.outbox ?? {})
        .map((value) => InvoiceEvent.parse(JSON.parse(value)))
        .sort((a, b) => a.sequence - b.sequence);
      return outbox;
    },
  };
}

export class DynamoSnapshotStore implements SnapshotStore {
  readonly #table: Table;

  constructor(table: Table) {
    this.#table = table;
  }

  async getMany(connection: string, remoteIds: readonly string[]): Promise<Map<string, SnapshotRecord>> {
    const unique = [...new Set(remoteIds)];
    const items = await this.#table.batchGet(unique.map((id) => keys.snapshot(connection, id)));
    return new Map(items.map(decodeSnapshot).map((record) => [record.remoteId, record]));
  }

  async write(change: SnapshotWrite): Promise<'written' | 'conflict'> {
    const item: Item = {
      ...keys.snapshot(change.connection, change.remoteId),
      state: JSON.stringify({ ...change.state, raw: undefined }),
      hash: change.hash,
      version: change.version,
      sequence: change.sequence,
      gone: change.gone,
      followed: true,
      status: change.state.status,
      changedAt: change.changedAt,
      [TABLE.timeline.partitionKey]: indexKeys.changes(change.connection),
      [TABLE.timeline.sortKey]: indexKeys.changeSortKey(change.changedAt, change.remoteId),
    };
    if (change.via !== null) item.via = change.via;
    if (change.outbox.length > 0) {
      item.outbox = Object.fromEntries(change.outbox.map((event) => [event.id, JSON.stringify(event)]));
      item[TABLE.index.partitionKey] = indexKeys.outbox(change.connection);
      item[TABLE.index.sortKey] = change.remoteId;
    }
    const written = await this.#table.putIf(
      item,
      change.expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': change.expectedVersion },
          },
    );
    return written ? 'written' : 'conflict';
  }

  async *pending(connection: string): AsyncGenerator<SnapshotRecord> {
    const items = this.#table.query({
      IndexName: TABLE.index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey },
      ExpressionAttributeValues: { ':pk': indexKeys.outbox(connection) },
    });
    for await (const item of items) yield decodeSnapshot(item);
  }

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
    const key = keys.snapshot(connection, remoteId);
    if (published.length === outboxSize) {
      const cleared = await this.#table.update(key, {
        UpdateExpression: 'REMOVE #outbox, #gpk, #gsk',
        ConditionExpression: `size(#outbox) = :size AND ${removals.map((path) => `attribute_exists(${path})`).join(' AND ')}`,
        ExpressionAttributeNames: { ...names, '#gpk': TABLE.index.partitionKey, '#gsk': TABLE.index.sortKey },
        ExpressionAttributeValues: { ':size': outboxSize },
      });
      if (cleared) return;
    }
    // A newer change added events meanwhile (or a concurrent publisher cleared them): ours only.
    const after = await this.#table.updateReturning(key, {
      UpdateExpression: `REMOVE ${removals.join(', ')}`,
      ConditionExpression: 'attribute_exists(#outbox)',
      ExpressionAttributeNames: names,
    });
    // Two publishers of overlapping outboxes (a run that lost its lease and the one after it) can
    // leave it empty this way: then it goes, and with it the pending listing, as a full clear does.
    const left = after?.outbox;
    if (left !== undefined && typeof left === 'object' && left !== null && Object.keys(left).length === 0) {
      await this.#table.update(key, {
        UpdateExpression: 'REMOVE #outbox, #gpk, #gsk',
        ConditionExpression: 'size(#outbox) = :empty',
        ExpressionAttributeNames: {
          '#outbox': 'outbox',
          '#gpk': TABLE.index.partitionKey,
          '#gsk': TABLE.index.sortKey,
        },
        ExpressionAttributeValues: { ':empty': 0 },
      });
    }
  }

  async *all(connection: string): AsyncGenerator<SnapshotHeader> {
    const items = this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'sk, gone, followed, via',
      ExpressionAttributeValues: { ':pk': keys.connection(connection), ':prefix': SORT.snapshot },
    });
    for await (const item of items) {
      yield {
        remoteId: String(item.sk).slice(SORT.snapshot.length),
        gone: item.gone === true,
        followed: item.followed !== false,
        via: typeof item.via === 'string' ? item.via : null,
      };
    }
  }

  async linkOrders(
    connection: string,
    remoteId: string,
    add: readonly string[],
    remove: readonly string[],
  ): Promise<void> {
    await this.#table.batchWrite([
      ...add.map((orderId) => ({ put: { ...keys.orderMember(connection, orderId, remoteId) } })),
      ...remove.map((orderId) => ({ delete: keys.orderMember(connection, orderId, remoteId) })),
    ]);
  }

  async unfollow(connection: string, remoteId: string): Promise<void> {
    await this.#table.update(keys.snapshot(connection, remoteId), {
      UpdateExpression: 'SET followed = :false REMOVE #tpk, #tsk',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outbox)',
      ExpressionAttributeNames: { '#tpk': TABLE.timeline.partitionKey, '#tsk': TABLE.timeline.sortKey },
      ExpressionAttributeValues: { ':false': false },
    });
  }
}
