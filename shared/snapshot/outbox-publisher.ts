import { reportActivity, watchingActivity } from '../activity.ts';
import type { Clock } from '../clock.ts';
import type { EventLog } from '../events/event-log.ts';
import type { EventPublisher } from '../events/event-publisher.ts';
import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/**
 * Events on their way out of their outboxes: logged (once, see event-log.ts), published to the
 * topic, and removed from the outbox only once the topic took them. A crash anywhere only delays
 * an event: it stays in its outbox until a later run publishes it, under the same id.
 */

export interface PendingOutbox {
  remoteId: string;
  outbox: InvoiceEvent[];
}

export class OutboxPublisher {
  readonly #snapshots: SnapshotStore;
  readonly #log: EventLog;
  readonly #publisher: EventPublisher;
  readonly #clock: Clock;

  constructor(dependencies: {
    snapshots: SnapshotStore;
    log: EventLog;
    publisher: EventPublisher;
    clock: Clock;
  }) {
    this.#snapshots = dependencies.snapshots;
    this.#log = dependencies.log;
    this.#publisher = dependencies.publisher;
    this.#clock = dependencies.clock;
  }

  /** Logs, publishes and clears outboxes; answers how many events the topic accepted. */
  async publish(
    connection: string,
    pending: readonly PendingOutbox[],
    correlationId?: string,
  ): Promise<number> {
    const events = pending.flatMap((entry) => entry.outbox);
    if (events.length === 0) return 0;
    await this.#log.append(events, this.#clock());
    const accepted = await this.#publisher.publish(events, correlationId);
    if (watchingActivity()) {
      for (const event of events) {
        if (!accepted.has(event.id)) continue;
        reportActivity({
          kind: 'event',
          connection: event.connection,
          remoteId: event.invoice.remoteId,
          type: event.type,
          status: event.invoice.status,
          previousStatus: event.previous?.status ?? null,
        });
      }
    }
    await Promise.all(
      pending.map((entry) => {
        const published = entry.outbox.filter((event) => accepted.has(event.id)).map((event) => event.id);
        return this.#snapshots.clearOutbox(connection, entry.remoteId, published, entry.outbox.length);
      }),
    );
    return accepted.size;
  }

  /**
   * Publishes what runs before did not get to (a crash, a topic outage); answers how many went
   * out. Stops early when `stopped` says so; what is left waits for the next run.
   */
  async publishLeftovers(
    connection: string,
    stopped: () => boolean,
    correlationId?: string,
  ): Promise<number> {
    let published = 0;
    let batch: PendingOutbox[] = [];
    for await (const record of this.#snapshots.pending(connection)) {
      batch.push({ remoteId: record.remoteId, outbox: record.outbox() });
      if (batch.length === 100) {
        published += await this.publish(connection, batch, correlationId);
        batch = [];
        if (stopped()) return published;
      }
    }
    return published + (await this.publish(connection, batch, correlationId));
  }
}

/** Events logged 25 to a round and published 10 to a PublishBatch: flush on full rounds. */
const FLUSH_AT_EVENTS = 25;

/**
 * Recorded changes waiting to be published. Publishing per page would spend a log round and a
 * publish call on every page with one change; buffering up to a full round spends them on full
 * rounds. Nothing is at risk meanwhile: the events already sit in their outboxes, and the buffer
 * is flushed before a walk hands over or ends.
 */
export class PublishBuffer {
  readonly #flush: (entries: PendingOutbox[]) => Promise<number>;
  #entries: PendingOutbox[] = [];
  #events = 0;
  published = 0;

  constructor(flush: (entries: PendingOutbox[]) => Promise<number>) {
    this.#flush = flush;
  }

  /**
   * An invoice recorded twice before a flush (it changed between two pages) keeps only its newer
   * entry: that outbox already holds the older one's events, and publishing both would leave the
   * record's emptied outbox behind in the pending listing.
   */
  async add(entry: PendingOutbox): Promise<void> {
    const earlier = this.#entries.findIndex((pending) => pending.remoteId === entry.remoteId);
    if (earlier >= 0) {
      this.#events -= this.#entries[earlier]?.outbox.length ?? 0;
      this.#entries.splice(earlier, 1);
    }
    this.#entries.push(entry);
    this.#events += entry.outbox.length;
    if (this.#events >= FLUSH_AT_EVENTS) await this.flush();
  }

  async flush(): Promise<void> {
    const entries = this.#entries;
    this.#entries = [];
    this.#events = 0;
    if (entries.length > 0) this.published += await this.#flush(entries);
  }
}
