import type { Principal } from '../../../shared/auth/principal.ts';
import { stateHash } from '../../../shared/events/change-detection.ts';
import type { Invoice } from '../../../shared/invoice/invoice.ts';
import { CursorSigner } from '../../../shared/lookup/cursor.ts';
import { LookupService } from '../../../shared/lookup/lookup-service.ts';
import { SnapshotAnswers } from '../../../shared/lookup/snapshot-answers.ts';
import { WatchesService } from '../../../shared/watches/watches-service.ts';
import { manualClock } from '../manual-clock.ts';
import { FakeConnections } from './fake-connections.ts';
import { FakeProvider, providerInvoice } from './fake-provider.ts';
import { MemoryRunStateStore } from './memory-run-state.ts';
import { MemorySnapshotReader } from './memory-snapshot-reader.ts';
import { MemorySnapshotStore } from './memory-snapshot-store.ts';
import { MemoryWatchStore } from './memory-watch-store.ts';

/**
 * The lookup API's services over fakes: `books` and `ledger` (providers with a list) and `orders`
 * (a provider without one, snapshotted through watches), the snapshot store in memory, real cursor
 * signing, a manual clock.
 */

export const WATCH_QUOTA = 3;

export function principal(fields: Partial<Principal> = {}): Principal {
  return {
    keyId: 'key_1',
    tenant: 'acme',
    connections: '*',
    scopes: ['invoices:read', 'watches:write', 'events:read'],
    ...fields,
  };
}

export function lookupWorld() {
  const clock = manualClock();
  const books = new FakeProvider();
  const ledger = new FakeProvider();
  const orders = new FakeProvider({ id: 'fake-orders', listed: false });
  const connections = new FakeConnections([
    { id: 'books', adapter: books },
    { id: 'ledger', adapter: ledger },
    { id: 'orders', adapter: orders },
  ]);
  const snapshots = new MemorySnapshotStore();
  const runs = new MemoryRunStateStore();
  const reader = new MemorySnapshotReader(snapshots, runs, { settleMs: 0 });
  const cursors = new CursorSigner(async () => 'a-cursor-signing-secret');
  const answers = new SnapshotAnswers({ connections, reader, cursors, clock });
  const watchStore = new MemoryWatchStore();
  const watches = new WatchesService({ connections, store: watchStore, quota: WATCH_QUOTA, clock });
  const service = new LookupService({ connections, cursors, snapshots: answers, clock, watches });

  /** Stores invoices in the snapshot store as a walk would have, changed `ageMs` ago. */
  async function snapshotted(connection: string, invoices: Invoice[], ageMs = 60_000) {
    for (const invoice of invoices) {
      const state = { ...invoice, connection };
      await snapshots.write({
        connection,
        remoteId: invoice.remoteId,
        state,
        hash: stateHash(state),
        version: 1,
        sequence: 1,
        gone: false,
        via: null,
        changedAt: new Date(clock() - ageMs).toISOString(),
        outbox: [],
        expectedVersion: null,
      });
      for (const orderId of invoice.orderIds)
        await snapshots.linkOrders(connection, invoice.remoteId, [orderId], []);
    }
  }

  return {
    clock,
    books,
    ledger,
    orders,
    connections,
    snapshots,
    runs,
    cursors,
    watchStore,
    watches,
    service,
    snapshotted,
  };
}

export { providerInvoice };
