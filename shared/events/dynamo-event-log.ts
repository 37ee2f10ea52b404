import * as z from 'zod';
import { mapConcurrently } from '../concurrency.ts';
import type { Item, Table } from '../storage/dynamo.ts';
import { indexKeys, keys, SORT } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import type { EventLog, LogPage, LogPosition, LogReadOptions } from './event-log.ts';
import { InvoiceEvent } from './invoice-event.ts';

/**
 * The event log in the product's table: one item per event in its invoice's history partition
 * (`EVT#<connection>#<remoteId>`, sorted by sequence), listed in gsi2 in its connection's log
 * partition (`LOG#<connection>`, sorted by `<loggedAt>#<place>#<eventId>`). A reader of several
 * connections queries each of their partitions and merges them by that sort key, so it reads
 * only partitions of connections it may see, and no partition takes more than one connection's
 * writes.
 */

const DAY_MS = 86_400_000;
/** Parallel queries of one read, and parallel writes of one append. */
const CONCURRENCY = 8;

const StoredEvent = z.object({ event: z.string(), [TABLE.timeline.sortKey]: z.string() });

function decode(item: Item): { event: InvoiceEvent; sortKey: string } {
  const parsed = StoredEvent.parse(item);
  return {
    event: InvoiceEvent.parse(JSON.parse(parsed.event)),
    sortKey: parsed[TABLE.timeline.sortKey],
  };
}

export class DynamoEventLog implements EventLog {
  readonly #table: Table;
  readonly #retentionDays: number;
  readonly #settleMs: number;

  constructor(table: Table, options: { retentionDays: number; settleMs?: number }) {
    this.#table = table;
    this.#retentionDays = options.retentionDays;
    this.#settleMs = options.settleMs ?? 2000;
  }

  async append(events: readonly InvoiceEvent[], now: number): Promise<number> {
    const loggedAt = new Date(now).toISOString();
    const expiresAt = Math.floor(now / 1000) + this.#retentionDays * 86_400;
    const written = await mapConcurrently(events, CONCURRENCY, (event, place) =>
      this.#table.putIf(
        {
          ...keys.historyEvent(event.connection, event.invoice.remoteId, event.sequence, event.id),
          [TABLE.timeline.partitionKey]: indexKeys.log(event.connection),
          [TABLE.timeline.sortKey]: indexKeys.logSortKey(loggedAt, place, event.id),
          [TABLE.timeToLiveAttribute]: expiresAt,
          eventId: event.id,
          type: event.type,
          connection: event.connection,
          event: JSON.stringify(event),
        },
        // Written once: a repeated append keeps the first entry and its place in the log.
        { ConditionExpression: 'attribute_not_exists(pk)' },
      ),
    );
    return written.filter(Boolean).length;
  }

  async history(connection: string, remoteId: string): Promise<InvoiceEvent[]> {
    const events: InvoiceEvent[] = [];
    const items = this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.history(connection, remoteId), ':prefix': SORT.sequence },
    });
    for await (const item of items) events.push(decode(item).event);
    return events;
  }

  start(now: number): LogPosition {
    return { after: new Date(now - this.#retentionDays * DAY_MS).toISOString() };
  }

  since(time: string): LogPosition {
    return { after: new Date(Date.parse(time)).toISOString() };
  }

  async read(
    connections: readonly string[],
    from: LogPosition,
    options: LogReadOptions,
    now: number,
  ): Promise<LogPage> {
    const oldest = this.start(now).after;
    const after = from.after < oldest ? oldest : from.after;
    // Everything up to the settled moment has landed; the end of a read that reached it.
    const settledEnd = `${new Date(now - this.#settleMs).toISOString()}#\uffff`;
    const perPartition = Math.max(1, Math.ceil(options.budget / Math.max(1, connections.length)));
    const partitions = await mapConcurrently(connections, CONCURRENCY, async (connection) => {
      const page = await this.#table.queryPage({
        IndexName: TABLE.timeline.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :after AND :until',
        ExpressionAttributeNames: { '#pk': TABLE.timeline.partitionKey, '#sk': TABLE.timeline.sortKey },
        ExpressionAttributeValues: {
          ':pk': indexKeys.log(connection),
          ':after': `${after}\u0000`,
          ':until': settledEnd,
        },
        Limit: perPartition,
      });
      return { entries: page.items.map(decode), truncated: page.last !== undefined };
    });
    // A partition that stopped at its limit may hold more entries just after its last one, so the
    // merge may only go as far as the earliest such stop.
    let cut = settledEnd;
    for (const partition of partitions) {
      const last = partition.entries.at(-1);
      if (partition.truncated && last !== undefined && last.sortKey < cut) cut = last.sortKey;
    }
    const merged = partitions
      .flatMap((partition) => partition.entries)
      .filter((entry) => entry.sortKey <= cut)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const events: InvoiceEvent[] = [];
    for (const entry of merged) {
      if (options.accept === undefined || options.accept(entry.event)) events.push(entry.event);
      if (events.length === options.limit) {
        return { events, next: { after: entry.sortKey }, caughtUp: false };
      }
    }
    return { events, next: { after: cut }, caughtUp: cut === settledEnd };
  }
}
