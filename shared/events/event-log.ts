import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { batchWrite, type Item, n, queryAll, s } from '../storage/dynamo.ts';
import { TABLE } from '../storage/table.ts';
import { type EventType, InvoiceEvent } from './invoice-event.ts';

/**
 * The event log: every published event, kept for the retention period (DynamoDB TTL).
 *
 * One item per event serves two reads: an invoice's history (`pk = EVT#<connection>#<remoteId>`,
 * `sk = SEQ#<sequence>`) and the log of everything in the order it was logged
 * (`gsi1pk = LOG#<day>`, `gsi1sk = <loggedAt>#<id>`, one index partition per UTC day).
 *
 * The log is ordered by when an event was logged, not when it occurred, so an event published late
 * (after a crash) appears after what a consumer already read instead of behind its cursor. Readers
 * only see events logged at least `settleMs` ago: a write that took its timestamp before another
 * but landed after it is then already visible, so a cursor never skips it.
 */

export interface LogPosition {
  day: string;
  after: string;
}

export interface LogPage {
  events: InvoiceEvent[];
  /** Where to continue from; always set, so a consumer can keep polling. */
  next: LogPosition;
}

const DAY_MS = 86_400_000;
const HISTORY_PREFIX = 'EVT#';
const SEQUENCE_PREFIX = 'SEQ#';

const EventItem = z.object({ event: z.object({ S: z.string() }), gsi1sk: z.object({ S: z.string() }) });

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

export class EventLog {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retentionDays: number;
  readonly #settleMs: number;

  constructor(client: DynamoDBClient, table: string, options: { retentionDays: number; settleMs?: number }) {
    this.#client = client;
    this.#table = table;
    this.#retentionDays = options.retentionDays;
    this.#settleMs = options.settleMs ?? 2000;
  }

  /** Logs events (idempotent: the same event lands on the same history item). */
  async append(events: readonly InvoiceEvent[], now: number = Date.now()): Promise<void> {
    const loggedAt = new Date(now).toISOString();
    const expiresAt = Math.floor(now / 1000) + this.#retentionDays * 86_400;
    await batchWrite(
      this.#client,
      this.#table,
      events.map((event) => ({
        PutRequest: {
          Item: {
            [TABLE.partitionKey]: s(`${HISTORY_PREFIX}${event.connection}#${event.invoice.remoteId}`),
            [TABLE.sortKey]: s(`${SEQUENCE_PREFIX}${String(event.sequence).padStart(10, '0')}`),
            [TABLE.index.partitionKey]: s(`LOG#${day(now)}`),
            [TABLE.index.sortKey]: s(`${loggedAt}#${event.id}`),
            [TABLE.timeToLiveAttribute]: n(expiresAt),
            type: s(event.type),
            connection: s(event.connection),
            event: s(JSON.stringify(event)),
          },
        },
      })),
    );
  }

  /** One invoice's events, oldest first. */
  async history(connection: string, remoteId: string): Promise<InvoiceEvent[]> {
    const events: InvoiceEvent[] = [];
    const items = queryAll(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: {
        ':pk': s(`${HISTORY_PREFIX}${connection}#${remoteId}`),
        ':prefix': s(SEQUENCE_PREFIX),
      },
    });
    for await (const item of items) events.push(decode(item).event);
    return events;
  }

  /** The oldest position still retained: where a reader without a cursor starts. */
  start(now: number = Date.now()): LogPosition {
    return { day: day(now - this.#retentionDays * DAY_MS), after: '' };
  }

  /**
   * Events after `from`, oldest first, at most `limit` that pass `accept`. Events that do not
   * pass are skipped but still move the position, so filtered polling does not rescan them.
   */
  async read(
    from: LogPosition,
    limit: number,
    accept: (event: { type: EventType; connection: string }) => boolean,
    now: number = Date.now(),
  ): Promise<LogPage> {
    const settled = new Date(now - this.#settleMs).toISOString();
    const today = day(now);
    const events: InvoiceEvent[] = [];
    let position = from.day < this.start(now).day ? this.start(now) : from;
    for (let current = position.day; current <= today && events.length < limit; current = nextDay(current)) {
      const items = queryAll(this.#client, {
        TableName: this.#table,
        IndexName: TABLE.index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :after AND :settled',
        ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey, '#sk': TABLE.index.sortKey },
        ExpressionAttributeValues: {
          ':pk': s(`LOG#${current}`),
          ':after': s(current === position.day ? `${position.after}\u0000` : ''),
          ':settled': s(settled),
        },
        Limit: 100,
      });
      let exhausted = true;
      for await (const item of items) {
        const { event, sortKey } = decode(item);
        position = { day: current, after: sortKey };
        if (accept(event)) events.push(event);
        if (events.length >= limit) {
          exhausted = false;
          break;
        }
      }
      // A day fully read (and in the past) is done: continue from the start of the next one.
      if (exhausted && current < today) position = { day: nextDay(current), after: '' };
    }
    return { events, next: position };
  }
}

function nextDay(value: string): string {
  return day(Date.parse(`${value}T00:00:00Z`) + DAY_MS);
}

function decode(item: Item): { event: InvoiceEvent; sortKey: string } {
  const parsed = EventItem.parse(item);
  return { event: InvoiceEvent.parse(JSON.parse(parsed.event.S)), sortKey: parsed.gsi1sk.S };
}
