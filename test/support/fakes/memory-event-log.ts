import type { Clock } from '../../../shared/clock.ts';
import type { EventLog, LogPage, LogPosition, LogReadOptions } from '../../../shared/events/event-log.ts';
import { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { byKey, iso } from './key-order.ts';

/**
 * The event log in memory, with the semantics of event-log.ts and the DynamoDB log
 * (dynamo-event-log.ts): an entry per (invoice, sequence, event id), written once, placed in its
 * connection's log by `<loggedAt>#<place>#<eventId>`; reads merge the connections asked for,
 * examine at most `budget` entries (shared evenly among them) and see only settled entries. With
 * a clock, entries past the retention period expire, as DynamoDB's time to live removes them.
 */

const DAY_MS = 86_400_000;

interface Entry {
  connection: string;
  historySortKey: string;
  logSortKey: string;
  event: string;
  expiresAtMs: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export class MemoryEventLog implements EventLog {
  readonly #entries = new Map<string, Entry>();
  readonly #retentionDays: number;
  readonly #settleMs: number;
  readonly #clock: Clock | undefined;

  constructor(options: { retentionDays?: number; settleMs?: number; clock?: Clock } = {}) {
    this.#retentionDays = options.retentionDays ?? 30;
    this.#settleMs = options.settleMs ?? 2000;
    this.#clock = options.clock;
  }

  #live(): Entry[] {
    const now = this.#clock?.();
    return [...this.#entries.values()].filter((entry) => now === undefined || entry.expiresAtMs > now);
  }

  async append(events: readonly InvoiceEvent[], now: number): Promise<number> {
    let added = 0;
    events.forEach((event, place) => {
      const remoteId = event.invoice.remoteId;
      const key = `${event.connection}#${remoteId}|${pad(event.sequence, 10)}#${event.id}`;
      const existing = this.#entries.get(key);
      if (existing !== undefined && (this.#clock === undefined || existing.expiresAtMs > this.#clock()))
        return;
      this.#entries.set(key, {
        connection: event.connection,
        historySortKey: key,
        logSortKey: `${iso(now)}#${pad(place, 5)}#${event.id}`,
        event: JSON.stringify(event),
        expiresAtMs: now + this.#retentionDays * DAY_MS,
      });
      added++;
    });
    return added;
  }

  async history(connection: string, remoteId: string): Promise<InvoiceEvent[]> {
    const prefix = `${connection}#${remoteId}|`;
    return this.#live()
      .filter((entry) => entry.historySortKey.startsWith(prefix))
      .sort((a, b) => byKey(a.historySortKey, b.historySortKey))
      .map((entry) => InvoiceEvent.parse(JSON.parse(entry.event)));
  }

  start(now: number): LogPosition {
    return { after: iso(now - this.#retentionDays * DAY_MS) };
  }

  since(time: string): LogPosition {
    return { after: iso(Date.parse(time)) };
  }

  async read(
    connections: readonly string[],
    from: LogPosition,
    options: LogReadOptions,
    now: number,
  ): Promise<LogPage> {
    const oldest = this.start(now).after;
    const after = byKey(from.after, oldest) < 0 ? oldest : from.after;
    const lower = `${after}\u0000`;
    const settledEnd = `${iso(now - this.#settleMs)}#\uffff`;
    const perPartition = Math.max(1, Math.ceil(options.budget / Math.max(1, connections.length)));
    const live = this.#live();
    const partitions = [...new Set(connections)].map((connection) => {
      const inRange = live
        .filter(
          (entry) =>
            entry.connection === connection &&
            byKey(entry.logSortKey, lower) >= 0 &&
            byKey(entry.logSortKey, settledEnd) <= 0,
        )
        .sort((a, b) => byKey(a.logSortKey, b.logSortKey));
      // A query that stops at its limit says so, whether or not anything follows.
      return { entries: inRange.slice(0, perPartition), truncated: inRange.length >= perPartition };
    });
    let cut = settledEnd;
    for (const partition of partitions) {
      const last = partition.entries.at(-1);
      if (partition.truncated && last !== undefined && byKey(last.logSortKey, cut) < 0) cut = last.logSortKey;
    }
    const merged = partitions
      .flatMap((partition) => partition.entries)
      .filter((entry) => byKey(entry.logSortKey, cut) <= 0)
      .sort((a, b) => byKey(a.logSortKey, b.logSortKey));
    const events: InvoiceEvent[] = [];
    for (const entry of merged) {
      const event = InvoiceEvent.parse(JSON.parse(entry.event));
      if (options.accept === undefined || options.accept(event)) events.push(event);
      if (events.length === options.limit)
        return { events, next: { after: entry.logSortKey }, caughtUp: false };
    }
    return { events, next: { after: cut }, caughtUp: cut === settledEnd };
  }

  /** Every logged entry, for assertions. */
  get size(): number {
    return this.#live().length;
  }
}
