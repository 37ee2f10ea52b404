import { Invoice } from '../../../shared/invoice/invoice.ts';
import type { RunStateStore, RunStatus } from '../../../shared/snapshot/run-state.ts';
import {
  type ChangePosition,
  observedAt,
  type SnapshotPage,
  type SnapshotQuery,
  type SnapshotReader,
  type StoredInvoice,
} from '../../../shared/snapshot/snapshot-reads.ts';
import { byKey, iso } from './key-order.ts';
import type { MemorySnapshotStore, StoredSnapshot } from './memory-snapshot-store.ts';

/**
 * Snapshot reads over the in-memory snapshot store, as snapshot-reads.ts describes them: followed
 * invoices ordered by `<changedAt>#<remoteId>` (then connection), oldest first, only those older
 * than the settle window, from the later of the position and `updatedSince`.
 */

function compare(a: ChangePosition, b: ChangePosition): number {
  return byKey(a.sortKey, b.sortKey) || byKey(a.connection, b.connection);
}

function sortKeyOf(stored: StoredSnapshot): string {
  return `${stored.changedAt}#${stored.remoteId}`;
}

export class MemorySnapshotReader implements SnapshotReader {
  readonly #store: MemorySnapshotStore;
  readonly #runs: RunStateStore;
  readonly #settleMs: number;

  constructor(store: MemorySnapshotStore, runs: RunStateStore, options: { settleMs?: number } = {}) {
    this.#store = store;
    this.#runs = runs;
    this.#settleMs = options.settleMs ?? 2000;
  }

  async page(query: SnapshotQuery, now: number): Promise<SnapshotPage> {
    const until = `${iso(now - this.#settleMs)}#\uffff`;
    const since = query.updatedSince === undefined ? '' : iso(Date.parse(query.updatedSince));
    const entries = query.connections
      .flatMap((connection) =>
        this.#store
          .stored(connection)
          .filter((stored) => stored.followed)
          .map((stored) => ({ position: { sortKey: sortKeyOf(stored), connection }, stored })),
      )
      .filter(({ position }) => byKey(position.sortKey, since) >= 0 && byKey(position.sortKey, until) <= 0)
      .filter(({ position }) => query.after === undefined || compare(position, query.after) > 0)
      .filter(({ stored }) => query.includeGone || !stored.gone)
      .filter(({ stored }) => query.statuses === undefined || query.statuses.some((s) => s === stored.status))
      .sort((a, b) => compare(a.position, b.position));
    const taken = entries.slice(0, query.limit);
    const runs = new Map<string, RunStatus>();
    for (const connection of new Set(taken.map((entry) => entry.position.connection)))
      runs.set(connection, await this.#runs.status(connection, now));
    return {
      invoices: taken.map((entry) =>
        storedInvoice(entry.stored, runs.get(entry.position.connection) ?? null),
      ),
      next: entries.length > query.limit ? (taken.at(-1)?.position ?? null) : null,
    };
  }

  async get(connection: string, remoteId: string, now: number): Promise<StoredInvoice | null> {
    const stored = this.#store.stored(connection).find((entry) => entry.remoteId === remoteId);
    if (stored === undefined || !stored.followed) return null;
    return storedInvoice(stored, await this.#runs.status(connection, now));
  }

  async byOrder(connection: string, orderId: string, now: number): Promise<StoredInvoice[]> {
    const members = new Set(this.#store.orderMembers(connection, orderId));
    if (members.size === 0) return [];
    const run = await this.#runs.status(connection, now);
    return this.#store
      .stored(connection)
      .filter((stored) => members.has(stored.remoteId) && stored.followed)
      .map((stored) => storedInvoice(stored, run))
      .filter((entry) => entry.invoice.orderIds.includes(orderId))
      .sort((a, b) => byKey(a.invoice.remoteId, b.invoice.remoteId));
  }
}

function storedInvoice(stored: StoredSnapshot, run: RunStatus | null): StoredInvoice {
  return {
    invoice: Invoice.parse(JSON.parse(stored.state)),
    snapshot: {
      version: stored.version,
      changedAt: stored.changedAt,
      observedAt: observedAt(stored.changedAt, stored.gone, stored.remoteId, run),
      gone: stored.gone,
    },
  };
}
