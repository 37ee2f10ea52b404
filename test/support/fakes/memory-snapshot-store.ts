import { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { Invoice } from '../../../shared/invoice/invoice.ts';
import type {
  SnapshotHeader,
  SnapshotRecord,
  SnapshotStore,
  SnapshotWrite,
} from '../../../shared/snapshot/snapshot-store.ts';
import { byKey } from './key-order.ts';

/**
 * The snapshot store in memory, with the semantics of the DynamoDB one (dynamo-snapshot-store.ts),
 * which the contract test (test/unit/contracts/snapshot-store.contract.test.ts) holds them both to:
 *
 * - a write replaces the whole record when its version check holds (absent for a first sighting,
 *   else at `expectedVersion`), and is a conflict otherwise;
 * - a record is in the pending listing while its outbox holds events; a full clear removes it from
 *   there in the same step, a partial one (a newer change added events) removes only ours;
 * - `unfollow` leaves a tombstone, and does nothing while the outbox still holds anything;
 * - listings come in sort-key order (the remote id), states are stored without `raw` and parsed
 *   on first use, so nothing a caller holds is shared with what is stored.
 */

export interface StoredSnapshot {
  remoteId: string;
  /** The state as stored (JSON, without `raw`). */
  state: string;
  hash: string;
  version: number;
  sequence: number;
  gone: boolean;
  followed: boolean;
  via: string | null;
  changedAt: string;
  status: string;
  /** Event id → event (JSON); null when the record has no outbox attribute at all. */
  outbox: Map<string, string> | null;
  /** Listed as pending (the outbox index entry). */
  pending: boolean;
}

/** What a read hands out: a copy taken at read time, parsed on first use. */
function recordOf(stored: StoredSnapshot): SnapshotRecord {
  const stateText = stored.state;
  const outboxTexts = [...(stored.outbox?.values() ?? [])];
  let state: Invoice | undefined;
  let outbox: InvoiceEvent[] | undefined;
  return {
    remoteId: stored.remoteId,
    hash: stored.hash,
    version: stored.version,
    sequence: stored.sequence,
    gone: stored.gone,
    followed: stored.followed,
    via: stored.via,
    changedAt: stored.changedAt,
    state: () => {
      state ??= Invoice.parse(JSON.parse(stateText));
      return state;
    },
    outbox: () => {
      outbox ??= outboxTexts
        .map((value) => InvoiceEvent.parse(JSON.parse(value)))
        .sort((a, b) => a.sequence - b.sequence);
      return outbox;
    },
  };
}

export class MemorySnapshotStore implements SnapshotStore {
  readonly #connections = new Map<string, Map<string, StoredSnapshot>>();
  /** connection → order id → remote ids listed under it. */
  readonly #orders = new Map<string, Map<string, Set<string>>>();
  /** Writes attempted (written or not), for tests that count round trips. */
  writes = 0;

  #records(connection: string): Map<string, StoredSnapshot> {
    let records = this.#connections.get(connection);
    if (records === undefined) {
      records = new Map();
      this.#connections.set(connection, records);
    }
    return records;
  }

  async getMany(connection: string, remoteIds: readonly string[]): Promise<Map<string, SnapshotRecord>> {
    const records = this.#records(connection);
    const found = new Map<string, SnapshotRecord>();
    for (const remoteId of new Set(remoteIds)) {
      const stored = records.get(remoteId);
      if (stored !== undefined) found.set(remoteId, recordOf(stored));
    }
    return found;
  }

  async write(change: SnapshotWrite): Promise<'written' | 'conflict'> {
    this.writes++;
    const records = this.#records(change.connection);
    const existing = records.get(change.remoteId);
    const holds =
      change.expectedVersion === null
        ? existing === undefined
        : existing !== undefined && existing.version === change.expectedVersion;
    if (!holds) return 'conflict';
    const hasOutbox = change.outbox.length > 0;
    records.set(change.remoteId, {
      remoteId: change.remoteId,
      state: JSON.stringify({ ...change.state, raw: undefined }),
      hash: change.hash,
      version: change.version,
      sequence: change.sequence,
      gone: change.gone,
      followed: true,
      via: change.via,
      changedAt: change.changedAt,
      status: change.state.status,
      outbox: hasOutbox ? new Map(change.outbox.map((event) => [event.id, JSON.stringify(event)])) : null,
      pending: hasOutbox,
    });
    return 'written';
  }

  async *pending(connection: string): AsyncGenerator<SnapshotRecord> {
    const listed = [...this.#records(connection).values()]
      .filter((stored) => stored.pending)
      .sort((a, b) => byKey(a.remoteId, b.remoteId));
    for (const stored of listed) yield recordOf(stored);
  }

  async clearOutbox(
    connection: string,
    remoteId: string,
    published: readonly string[],
    outboxSize: number,
  ): Promise<void> {
    if (published.length === 0) return;
    const stored = this.#records(connection).get(remoteId);
    const outbox = stored?.outbox ?? null;
    if (stored === undefined || outbox === null) return;
    if (
      published.length === outboxSize &&
      outbox.size === outboxSize &&
      published.every((id) => outbox.has(id))
    ) {
      stored.outbox = null;
      stored.pending = false;
      return;
    }
    // A newer change added events meanwhile (or another publisher took some): ours only. An
    // outbox emptied this way goes too, and its record leaves the pending listing.
    for (const id of published) outbox.delete(id);
    if (outbox.size === 0) {
      stored.outbox = null;
      stored.pending = false;
    }
  }

  async *all(connection: string): AsyncGenerator<SnapshotHeader> {
    const records = [...this.#records(connection).values()].sort((a, b) => byKey(a.remoteId, b.remoteId));
    for (const stored of records) {
      yield { remoteId: stored.remoteId, gone: stored.gone, followed: stored.followed, via: stored.via };
    }
  }

  async unfollow(connection: string, remoteId: string): Promise<void> {
    const stored = this.#records(connection).get(remoteId);
    if (stored === undefined || stored.outbox !== null) return;
    stored.followed = false;
  }

  async linkOrders(
    connection: string,
    remoteId: string,
    add: readonly string[],
    remove: readonly string[],
  ): Promise<void> {
    let orders = this.#orders.get(connection);
    if (orders === undefined) {
      orders = new Map();
      this.#orders.set(connection, orders);
    }
    for (const orderId of add) {
      const members = orders.get(orderId) ?? new Set<string>();
      members.add(remoteId);
      orders.set(orderId, members);
    }
    for (const orderId of remove) orders.get(orderId)?.delete(remoteId);
  }

  /** The stored records of a connection, as they are (for the in-memory snapshot reader and tests). */
  stored(connection: string): StoredSnapshot[] {
    return [...this.#records(connection).values()];
  }

  /** The remote ids listed under an order, in sort-key order. */
  orderMembers(connection: string, orderId: string): string[] {
    return [...(this.#orders.get(connection)?.get(orderId) ?? [])].sort(byKey);
  }
}
