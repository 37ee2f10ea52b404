import { mapConcurrently } from '../concurrency.ts';
import type { Item, Table } from '../storage/dynamo.ts';
import { indexKeys, keys, SORT } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import { decodeSnapshot } from './dynamo-snapshot-store.ts';
import type { RunStateStore, RunStatus } from './run-state.ts';
import {
  type ChangePosition,
  observedAt,
  type SnapshotPage,
  type SnapshotQuery,
  type SnapshotReader,
  type StoredInvoice,
} from './snapshot-reads.ts';

/**
 * Snapshot reads on the product's table: each connection's followed invoices are listed in gsi2
 * (`CHANGES#<connection>`, sorted by `<changedAt>#<remoteId>`). A page queries the partition of
 * every connection asked for (in parallel), merges them, and reads each connection's run state
 * once for the `observedAt` of its invoices: for one connection, a page of 100 is two requests.
 */

const CONCURRENCY = 8;

function compare(a: ChangePosition, b: ChangePosition): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return a.connection < b.connection ? -1 : a.connection > b.connection ? 1 : 0;
}

export class DynamoSnapshotReader implements SnapshotReader {
  readonly #table: Table;
  readonly #runs: RunStateStore;
  readonly #settleMs: number;

  constructor(table: Table, runs: RunStateStore, options: { settleMs?: number } = {}) {
    this.#table = table;
    this.#runs = runs;
    this.#settleMs = options.settleMs ?? 2000;
  }

  async page(query: SnapshotQuery, now: number): Promise<SnapshotPage> {
    const until = `${new Date(now - this.#settleMs).toISOString()}#\uffff`;
    // The later of the position and `updatedSince` (both sort like the index's keys).
    const since =
      query.updatedSince === undefined ? '' : new Date(Date.parse(query.updatedSince)).toISOString();
    const position = query.after?.sortKey ?? '';
    const from = position > since ? position : since;
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {
      '#pk': TABLE.timeline.partitionKey,
      '#sk': TABLE.timeline.sortKey,
    };
    if (!query.includeGone) {
      filters.push('(attribute_not_exists(gone) OR gone = :false)');
      values[':false'] = false;
    }
    if (query.statuses !== undefined) {
      names['#status'] = 'status';
      filters.push(`#status IN (${query.statuses.map((_, index) => `:s${index}`).join(', ')})`);
      query.statuses.forEach((status, index) => {
        values[`:s${index}`] = status;
      });
    }
    const partitions = await mapConcurrently(query.connections, CONCURRENCY, async (connection) => {
      const page = await this.#table.queryPage({
        IndexName: TABLE.timeline.name,
        // DynamoDB refuses an empty string as a key value: without a lower bound, none is given.
        KeyConditionExpression:
          from === '' ? '#pk = :pk AND #sk <= :until' : '#pk = :pk AND #sk BETWEEN :from AND :until',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':pk': indexKeys.changes(connection),
          ':until': until,
          ...(from === '' ? {} : { ':from': from }),
          ...values,
        },
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        Limit: query.limit + 1,
      });
      const lastKey = page.last?.[TABLE.timeline.sortKey];
      return {
        connection,
        items: page.items,
        // Where this partition's reading stopped, when it stopped before its end.
        stoppedAt: typeof lastKey === 'string' ? { sortKey: lastKey, connection } : null,
      };
    });
    let cut: ChangePosition | null = null;
    for (const partition of partitions) {
      if (partition.stoppedAt !== null && (cut === null || compare(partition.stoppedAt, cut) < 0))
        cut = partition.stoppedAt;
    }
    const after = query.after;
    const merged = partitions
      .flatMap((partition) =>
        partition.items.map((item) => ({
          position: { sortKey: String(item[TABLE.timeline.sortKey]), connection: partition.connection },
          item,
        })),
      )
      .filter((entry) => after === undefined || compare(entry.position, after) > 0)
      .filter((entry) => cut === null || compare(entry.position, cut) <= 0)
      .sort((a, b) => compare(a.position, b.position));
    const taken = merged.slice(0, query.limit);
    const runs = await this.#runStatuses([...new Set(taken.map((entry) => entry.position.connection))], now);
    const invoices = taken.map((entry) => stored(entry.item, runs.get(entry.position.connection) ?? null));
    const last = taken.at(-1)?.position;
    const more = merged.length > query.limit || cut !== null;
    return { invoices, next: more ? (merged.length > query.limit ? (last ?? null) : cut) : null };
  }

  async get(connection: string, remoteId: string, now: number): Promise<StoredInvoice | null> {
    const [item, run] = await Promise.all([
      this.#table.get(keys.snapshot(connection, remoteId), false),
      this.#runs.status(connection, now),
    ]);
    if (item === undefined || item.followed === false) return null;
    return stored(item, run);
  }

  async byOrder(connection: string, orderId: string, now: number): Promise<StoredInvoice[]> {
    const remoteIds: string[] = [];
    const prefix = `${SORT.order}${orderId}#`;
    for await (const item of this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.connection(connection), ':prefix': prefix },
      ProjectionExpression: 'sk',
    })) {
      remoteIds.push(String(item.sk).slice(prefix.length));
    }
    if (remoteIds.length === 0) return [];
    const [items, run] = await Promise.all([
      this.#table.batchGet(remoteIds.map((remoteId) => keys.snapshot(connection, remoteId))),
      this.#runs.status(connection, now),
    ]);
    return (
      items
        .filter((item) => item.followed !== false)
        .map((item) => stored(item, run))
        // An order's listing may keep an entry a crash left behind; the state has the last word.
        .filter((entry) => entry.invoice.orderIds.includes(orderId))
        .sort((a, b) => (a.invoice.remoteId < b.invoice.remoteId ? -1 : 1))
    );
  }

  async #runStatuses(connections: readonly string[], now: number): Promise<Map<string, RunStatus>> {
    const statuses = await mapConcurrently(connections, CONCURRENCY, (connection) =>
      this.#runs.status(connection, now),
    );
    return new Map(connections.map((connection, index) => [connection, statuses[index] as RunStatus]));
  }
}

function stored(item: Item, run: RunStatus | null): StoredInvoice {
  const record = decodeSnapshot(item);
  return {
    invoice: record.state(),
    snapshot: {
      version: record.version,
      changedAt: record.changedAt,
      observedAt: observedAt(record.changedAt, record.gone, record.remoteId, run),
      gone: record.gone,
    },
  };
}
