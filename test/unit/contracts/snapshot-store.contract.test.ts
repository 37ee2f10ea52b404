import { describe, expect, test } from 'vitest';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { buildEvents } from '../../../shared/events/event-envelope.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import type { Invoice } from '../../../shared/invoice/invoice.ts';
import { DynamoSnapshotStore } from '../../../shared/snapshot/dynamo-snapshot-store.ts';
import type { SnapshotStore, SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import { MemorySnapshotStore } from '../../support/fakes/memory-snapshot-store.ts';

/**
 * The snapshot store's contract (snapshot-store.ts), run against the in-memory fake the unit tier
 * uses and against the DynamoDB store on a real peer, so that the fake cannot drift from it.
 */

const dynamo = useDynamoTable();

const implementations: Array<[string, () => SnapshotStore]> = [
  ['in memory', () => new MemorySnapshotStore()],
  [`DynamoDB (${peerName})`, () => new DynamoSnapshotStore(dynamo.table())],
];

function eventsOf(connection: string, invoice: Invoice, version: number, sequence: number): InvoiceEvent[] {
  return buildEvents({
    connection,
    invoice,
    stateHash: stateHash(invoice),
    before: null,
    version,
    sequence,
    types: ['invoice.discovered'],
    occurredAt: '2026-01-01T00:00:00.000Z',
  });
}

function change(connection: string, remoteId: string, fields: Partial<SnapshotWrite> = {}): SnapshotWrite {
  const state = fields.state ?? providerInvoice(remoteId);
  return {
    connection,
    remoteId,
    state,
    hash: stateHash(state),
    version: 1,
    sequence: 0,
    gone: false,
    via: null,
    changedAt: '2026-01-01T00:00:00.000Z',
    outbox: [],
    expectedVersion: null,
    ...fields,
  };
}

async function pendingOf(store: SnapshotStore, connection: string) {
  const pending: Array<{ remoteId: string; outbox: string[] }> = [];
  for await (const record of store.pending(connection))
    pending.push({ remoteId: record.remoteId, outbox: record.outbox().map((event) => event.id) });
  return pending;
}

describe.each(implementations)('the snapshot store contract, %s', (_name, make) => {
  test('a first sighting is written once: a second first sighting of the same invoice is a conflict', async () => {
    const store = make();
    const connection = unique('snap');
    expect(await store.write(change(connection, 'a'))).toBe('written');
    expect(await store.write(change(connection, 'a'))).toBe('conflict');
  });

  test('a change is written only at the version it was computed from', async () => {
    const store = make();
    const connection = unique('snap');
    await store.write(change(connection, 'b'));
    const paid = providerInvoice('b', { status: 'PAID' });

    const atCurrent = await store.write(
      change(connection, 'b', { state: paid, hash: stateHash(paid), version: 2, expectedVersion: 1 }),
    );
    const atStale = await store.write(change(connection, 'b', { version: 2, expectedVersion: 1 }));
    const onMissing = await store.write(change(connection, 'never-seen', { version: 2, expectedVersion: 1 }));

    expect([atCurrent, atStale, onMissing]).toEqual(['written', 'conflict', 'conflict']);
    const stored = (await store.getMany(connection, ['b', 'never-seen'])).get('b');
    expect(stored?.version).toBe(2);
    expect(stored?.state().status).toBe('PAID');
    expect((await store.getMany(connection, ['never-seen'])).size).toBe(0);
  });

  test('the state is stored without the provider record, and read back validated', async () => {
    const store = make();
    const connection = unique('snap');
    const state = { ...providerInvoice('raw'), raw: { secret: 'provider body' } };
    await store.write(change(connection, 'raw', { state }));

    const stored = (await store.getMany(connection, ['raw'])).get('raw');

    expect(stored?.state()).toEqual(providerInvoice('raw'));
    expect(stored?.state()).not.toHaveProperty('raw');
  });

  test('a record whose outbox holds events is pending, in remote-id order, its events by sequence', async () => {
    const store = make();
    const connection = unique('snap');
    const second = providerInvoice('z');
    const first = providerInvoice('m');
    const events = eventsOf(connection, first, 1, 0);
    const [event] = events as [InvoiceEvent];
    const later = { ...event, id: 'evt_later', sequence: 2, type: 'invoice.updated' as const };
    await store.write(
      change(connection, 'z', { state: second, outbox: eventsOf(connection, second, 1, 0), sequence: 1 }),
    );
    await store.write(change(connection, 'quiet'));
    await store.write(change(connection, 'm', { state: first, outbox: [later, event], sequence: 2 }));

    const pending = await pendingOf(store, connection);

    expect(pending.map((entry) => entry.remoteId)).toEqual(['m', 'z']);
    expect(pending[0]?.outbox).toEqual([event.id, 'evt_later']);
  });

  test('clearing every published event takes the record out of the pending listing', async () => {
    const store = make();
    const connection = unique('snap');
    const invoice = providerInvoice('c');
    const [event] = eventsOf(connection, invoice, 1, 0) as [InvoiceEvent];
    const paid = { ...event, id: 'evt_paid', sequence: 2, type: 'invoice.paid' as const };
    await store.write(change(connection, 'c', { outbox: [event, paid], sequence: 2 }));

    await store.clearOutbox(connection, 'c', [event.id], 2);
    const afterOne = await pendingOf(store, connection);
    await store.clearOutbox(connection, 'c', ['evt_paid'], 1);
    const afterBoth = await pendingOf(store, connection);

    expect(afterOne).toEqual([{ remoteId: 'c', outbox: ['evt_paid'] }]);
    expect(afterBoth).toEqual([]);
    expect((await store.getMany(connection, ['c'])).get('c')?.outbox()).toEqual([]);
  });

  test('clearing never drops events a newer change added after the publish began', async () => {
    const store = make();
    const connection = unique('snap');
    const invoice = providerInvoice('d');
    const [event] = eventsOf(connection, invoice, 1, 0) as [InvoiceEvent];
    await store.write(change(connection, 'd', { outbox: [event], sequence: 1 }));
    const newer = { ...event, id: 'evt_newer', sequence: 2, type: 'invoice.updated' as const };
    await store.write(
      change(connection, 'd', { version: 2, sequence: 2, expectedVersion: 1, outbox: [event, newer] }),
    );

    await store.clearOutbox(connection, 'd', [event.id], 1); // the publisher knew only the first

    expect(await pendingOf(store, connection)).toEqual([{ remoteId: 'd', outbox: ['evt_newer'] }]);
  });

  test('two publishers of overlapping outboxes leave no empty outbox behind in the pending listing', async () => {
    const store = make();
    const connection = unique('snap');
    const invoice = providerInvoice('f');
    const [event] = eventsOf(connection, invoice, 1, 0) as [InvoiceEvent];
    const newer = { ...event, id: 'evt_newer_f', sequence: 2, type: 'invoice.updated' as const };
    await store.write(change(connection, 'f', { outbox: [event], sequence: 1 }));
    await store.write(
      change(connection, 'f', { version: 2, sequence: 2, expectedVersion: 1, outbox: [event, newer] }),
    );

    // One publisher read the outbox before the newer change, the other after it.
    await store.clearOutbox(connection, 'f', [event.id], 1);
    await store.clearOutbox(connection, 'f', [event.id, newer.id], 2);

    expect(await pendingOf(store, connection)).toEqual([]);
    expect((await store.getMany(connection, ['f'])).get('f')?.outbox()).toEqual([]);
  });

  test('clearing nothing published leaves the outbox as it is', async () => {
    const store = make();
    const connection = unique('snap');
    const invoice = providerInvoice('e');
    const events = eventsOf(connection, invoice, 1, 0);
    await store.write(change(connection, 'e', { outbox: events, sequence: 1 }));

    await store.clearOutbox(connection, 'e', [], events.length);

    expect(await pendingOf(store, connection)).toEqual([{ remoteId: 'e', outbox: events.map((e) => e.id) }]);
  });

  test('unfollowing keeps a tombstone with its version and sequence; a record with unpublished events stays followed', async () => {
    const store = make();
    const connection = unique('snap');
    const invoice = providerInvoice('busy');
    await store.write(change(connection, 'idle', { via: 'invoice#idle', version: 7, sequence: 9 }));
    await store.write(
      change(connection, 'busy', { outbox: eventsOf(connection, invoice, 1, 0), sequence: 1 }),
    );

    await store.unfollow(connection, 'idle');
    await store.unfollow(connection, 'busy');
    await store.unfollow(connection, 'absent');

    const stored = await store.getMany(connection, ['idle', 'busy', 'absent']);
    expect(stored.get('idle')).toMatchObject({
      followed: false,
      version: 7,
      sequence: 9,
      via: 'invoice#idle',
    });
    expect(stored.get('busy')?.followed).toBe(true);
    expect(stored.has('absent')).toBe(false);
  });

  test('a tombstone written again is followed again, its version going on from where it stopped', async () => {
    const store = make();
    const connection = unique('snap');
    await store.write(change(connection, 'back', { version: 3, sequence: 4 }));
    await store.unfollow(connection, 'back');

    const written = await store.write(
      change(connection, 'back', { version: 4, sequence: 4, expectedVersion: 3 }),
    );

    expect(written).toBe('written');
    expect((await store.getMany(connection, ['back'])).get('back')).toMatchObject({
      followed: true,
      version: 4,
    });
  });

  test('every record is listed with what gone-detection needs, tombstones and gone ones included, in remote-id order', async () => {
    const store = make();
    const connection = unique('snap');
    await store.write(change(connection, 'b2', { gone: true }));
    await store.write(change(connection, 'a1', { via: 'order#o-1' }));
    await store.write(change(connection, 'c3'));
    await store.unfollow(connection, 'c3');

    const headers = [];
    for await (const header of store.all(connection)) headers.push(header);

    expect(headers).toEqual([
      { remoteId: 'a1', gone: false, followed: true, via: 'order#o-1' },
      { remoteId: 'b2', gone: true, followed: true, via: null },
      { remoteId: 'c3', gone: false, followed: false, via: null },
    ]);
  });
});
