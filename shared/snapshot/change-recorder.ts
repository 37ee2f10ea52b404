import type { Clock } from '../clock.ts';
import { eventTypesFor, stateHash } from '../events/change-detection.ts';
import { buildEvents } from '../events/event-envelope.ts';
import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { SnapshotRecord, SnapshotStore } from './snapshot-store.ts';

/**
 * Stores one invoice's change together with its events (the outbox), by a conditional write on
 * its record. On a version conflict the record is read again: if it already holds this state
 * there is nothing to do, else the events are computed anew from what is stored now, so a change
 * computed from a stale read never lands.
 */

export interface Recorded {
  remoteId: string;
  /** Every event now in the record's outbox (older unpublished ones included). */
  outbox: InvoiceEvent[];
  /** How many of them this change produced. */
  produced: number;
}

const MAX_WRITE_ATTEMPTS = 5;

export class ChangeRecorder {
  readonly #snapshots: SnapshotStore;
  readonly #clock: Clock;

  constructor(snapshots: SnapshotStore, clock: Clock) {
    this.#snapshots = snapshots;
    this.#clock = clock;
  }

  /**
   * Records `invoice` against `stored` unless nothing changed. `gone` marks an invoice the walk
   * no longer found; `via` is the watch that brought it. Answers null when nothing was written.
   */
  async record(
    connection: string,
    invoice: Invoice,
    stored: SnapshotRecord | null,
    flags: { gone: boolean; via: string | null },
  ): Promise<Recorded | null> {
    const hash = stateHash(invoice);
    let current = stored;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (current !== null && !needsWrite(current, hash, flags)) return null;
      const sameState = current !== null && current.hash === hash;
      const now = new Date(this.#clock()).toISOString();
      const version = (current?.version ?? 0) + 1;
      // Same state, other flags (followed again, or an already void invoice found gone): no events.
      const before =
        current === null ? null : { state: current.state(), hash: current.hash, version: current.version };
      const events = sameState
        ? []
        : buildEvents({
            connection,
            invoice,
            stateHash: hash,
            before,
            version,
            sequence: current?.sequence ?? 0,
            types: eventTypesFor(before?.state ?? null, invoice),
            occurredAt: now,
          });
      const outbox = [...(current?.outbox() ?? []), ...events];
      const beforeOrders = current?.state().orderIds ?? [];
      const added = invoice.orderIds.filter((orderId) => !beforeOrders.includes(orderId));
      const removed = beforeOrders.filter((orderId) => !invoice.orderIds.includes(orderId));
      // An order's listing gains entries before the state that needs them, and loses them after:
      // a crash in between leaves an extra entry (reads check the state), never a missing one.
      if (added.length > 0) await this.#snapshots.linkOrders(connection, invoice.remoteId, added, []);
      const outcome = await this.#snapshots.write({
        connection,
        remoteId: invoice.remoteId,
        state: invoice,
        hash,
        version,
        sequence: (current?.sequence ?? 0) + events.length,
        gone: flags.gone,
        via: flags.via ?? current?.via ?? null,
        changedAt: sameState && current !== null ? current.changedAt : now,
        outbox,
        expectedVersion: current?.version ?? null,
      });
      if (outcome === 'written') {
        if (removed.length > 0) await this.#snapshots.linkOrders(connection, invoice.remoteId, [], removed);
        return { remoteId: invoice.remoteId, outbox, produced: events.length };
      }
      current = (await this.#snapshots.getMany(connection, [invoice.remoteId])).get(invoice.remoteId) ?? null;
    }
    throw new Error(`invoice ${invoice.remoteId} kept changing under concurrent writers`);
  }
}

/**
 * A record needs a write when its state or gone flag changed, when it is followed again, or when
 * it learns which watch brings it. A second watch bringing the same invoice changes nothing (the
 * sweep only asks about invoices no watch brought).
 */
function needsWrite(
  record: SnapshotRecord,
  hash: string,
  flags: { gone: boolean; via: string | null },
): boolean {
  return (
    record.hash !== hash ||
    record.gone !== flags.gone ||
    !record.followed ||
    (flags.via !== null && record.via === null)
  );
}
