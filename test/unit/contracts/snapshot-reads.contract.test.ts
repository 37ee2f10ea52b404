import { describe, expect, test } from 'vitest';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { DynamoRunStateStore } from '../../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotReader } from '../../../shared/snapshot/dynamo-snapshot-reads.ts';
import { DynamoSnapshotStore } from '../../../shared/snapshot/dynamo-snapshot-store.ts';
import { emptyStats, type RunStateStore } from '../../../shared/snapshot/run-state.ts';
import type { SnapshotQuery, SnapshotReader } from '../../../shared/snapshot/snapshot-reads.ts';
import type { SnapshotStore, SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import { MemoryRunStateStore } from '../../support/fakes/memory-run-state.ts';
import { MemorySnapshotReader } from '../../support/fakes/memory-snapshot-reader.ts';
import { MemorySnapshotStore } from '../../support/fakes/memory-snapshot-store.ts';

/**
 * The snapshot reads' contract (snapshot-reads.ts): followed invoices by the time their state
 * changed, merged across connections, settled, filtered, paged without skipping. Run against the
 * in-memory reader and the DynamoDB one, each over its own store.
 */

const dynamo = useDynamoTable();

interface Stores {
  store: SnapshotStore;
  runs: RunStateStore;
  reader: SnapshotReader;
}

const implementations: Array<[string, () => Stores]> = [
  [
    'in memory',
    () => {
      const store = new MemorySnapshotStore();
      const runs = new MemoryRunStateStore();
      return { store, runs, reader: new MemorySnapshotReader(store, runs, { settleMs: 1000 }) };
    },
  ],
  [
    `DynamoDB (${peerName})`,
    () => {
      const runs = new DynamoRunStateStore(dynamo.table());
      return {
        store: new DynamoSnapshotStore(dynamo.table()),
        runs,
        reader: new DynamoSnapshotReader(dynamo.table(), runs, { settleMs: 1000 }),
      };
    },
  ],
];

const T = (minute: number) => new Date(Date.parse('2026-06-01T10:00:00Z') + minute * 60_000).toISOString();
const NOW = Date.parse('2026-06-01T12:00:00Z');

async function put(
  store: SnapshotStore,
  connection: string,
  remoteId: string,
  fields: Partial<SnapshotWrite> = {},
) {
  const state = fields.state ?? providerInvoice(remoteId, { connection });
  await store.write({
    connection,
    remoteId,
    state,
    hash: stateHash(state),
    version: 1,
    sequence: 1,
    gone: false,
    via: null,
    changedAt: T(0),
    outbox: [],
    expectedVersion: null,
    ...fields,
  });
}

async function readAll(
  reader: SnapshotReader,
  query: Omit<SnapshotQuery, 'limit'>,
  limit: number,
  now = NOW,
) {
  const ids: string[] = [];
  let after = query.after;
  for (let pages = 0; pages < 50; pages++) {
    const page = await reader.page({ ...query, limit, after }, now);
    expect(page.invoices.length).toBeLessThanOrEqual(limit);
    ids.push(...page.invoices.map((entry) => entry.invoice.remoteId));
    if (page.next === null) return ids;
    after = page.next;
  }
  throw new Error('the reads never ended');
}

describe.each(implementations)('the snapshot reads contract, %s', (_name, make) => {
  test('invoices of several connections come oldest change first, every one once across pages', async () => {
    const { store, reader } = make();
    const [one, two] = [unique('reads'), unique('reads')];
    await put(store, one, 'a', { changedAt: T(3) });
    await put(store, two, 'b', { changedAt: T(1) });
    await put(store, one, 'c', { changedAt: T(2) });
    await put(store, two, 'd', { changedAt: T(4) });

    const byOne = await readAll(reader, { connections: [one, two], includeGone: false }, 1);
    const byThree = await readAll(reader, { connections: [one, two], includeGone: false }, 3);

    expect(byOne).toEqual(['b', 'c', 'a', 'd']);
    expect(byThree).toEqual(['b', 'c', 'a', 'd']);
  });

  test('changes within the settle window are not read yet', async () => {
    const { store, reader } = make();
    const connection = unique('reads');
    await put(store, connection, 'settled', { changedAt: new Date(NOW - 5000).toISOString() });
    await put(store, connection, 'fresh', { changedAt: new Date(NOW - 500).toISOString() });

    expect(await readAll(reader, { connections: [connection], includeGone: false }, 10)).toEqual(['settled']);
  });

  test('gone invoices only when asked for, tombstones never; statuses and updatedSince filter', async () => {
    const { store, reader } = make();
    const connection = unique('reads');
    await put(store, connection, 'open', { changedAt: T(1) });
    await put(store, connection, 'paid', {
      changedAt: T(2),
      state: providerInvoice('paid', { connection, status: 'PAID' }),
    });
    await put(store, connection, 'gone', { changedAt: T(3), gone: true });
    await put(store, connection, 'tomb', { changedAt: T(4) });
    await store.unfollow(connection, 'tomb');

    const base = { connections: [connection] };
    const plain = await readAll(reader, { ...base, includeGone: false }, 10);
    const withGone = await readAll(reader, { ...base, includeGone: true }, 10);
    const paidOnly = await readAll(reader, { ...base, includeGone: false, statuses: ['PAID'] }, 10);
    const since = await readAll(reader, { ...base, includeGone: true, updatedSince: T(2) }, 10);

    expect(plain).toEqual(['open', 'paid']);
    expect(withGone).toEqual(['open', 'paid', 'gone']);
    expect(paidOnly).toEqual(['paid']);
    expect(since).toEqual(['paid', 'gone']);
  });

  test('one invoice reads with its snapshot facts; a tombstone is not found', async () => {
    const { store, reader } = make();
    const connection = unique('reads');
    await put(store, connection, 'one', { changedAt: T(5), version: 3 });
    await put(store, connection, 'tomb', { changedAt: T(6) });
    await store.unfollow(connection, 'tomb');

    const found = await reader.get(connection, 'one', NOW);

    expect(found?.snapshot).toEqual({ version: 3, changedAt: T(5), observedAt: T(5), gone: false });
    expect(found?.invoice.remoteId).toBe('one');
    expect(await reader.get(connection, 'tomb', NOW)).toBeNull();
    expect(await reader.get(connection, 'never', NOW)).toBeNull();
  });

  test('a complete walk that began later vouches for what it saw, except what it quarantined', async () => {
    const { store, runs, reader } = make();
    const connection = unique('reads');
    await put(store, connection, 'seen', { changedAt: T(1) });
    await put(store, connection, 'unreadable', { changedAt: T(1) });
    const walkStart = Date.parse(T(30));
    await runs.acquire(connection, 'run-1', 60_000, walkStart);
    await runs.finish(
      connection,
      'run-1',
      {
        completed: true,
        reason: null,
        stats: emptyStats(),
        goneDetection: 'ran',
        quarantinedIds: ['unreadable'],
      },
      walkStart + 1000,
    );

    const page = await reader.page({ connections: [connection], includeGone: false, limit: 10 }, NOW);

    expect(page.invoices.map((entry) => [entry.invoice.remoteId, entry.snapshot.observedAt])).toEqual([
      ['seen', T(30)],
      ['unreadable', T(1)],
    ]);
  });

  test("an order's invoices are those its listing names and whose state still says so", async () => {
    const { store, reader } = make();
    const connection = unique('reads');
    await put(store, connection, 'in-2', {
      state: providerInvoice('in-2', { connection, orderIds: ['ord-1'] }),
    });
    await put(store, connection, 'in-1', {
      state: providerInvoice('in-1', { connection, orderIds: ['ord-1'] }),
    });
    await put(store, connection, 'moved', {
      state: providerInvoice('moved', { connection, orderIds: ['ord-2'] }),
    });
    await store.linkOrders(connection, 'in-1', ['ord-1'], []);
    await store.linkOrders(connection, 'in-2', ['ord-1'], []);
    await store.linkOrders(connection, 'moved', ['ord-1'], []); // a stale entry a crash left behind

    const invoices = await reader.byOrder(connection, 'ord-1', NOW);

    expect(invoices.map((entry) => entry.invoice.remoteId)).toEqual(['in-1', 'in-2']);
    expect(await reader.byOrder(connection, 'ord-none', NOW)).toEqual([]);
  });
});
