import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { EventLog } from '../../../shared/events/event-log.ts';
import { eventId, type InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { RunStateStore } from '../../../shared/snapshot/run-state.ts';
import { CorruptItem, SnapshotStore, type SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { WatchList } from '../../../shared/snapshot/watch-list.ts';
import { type DynamoPeer, startDynamoPeer } from '../../support/dynamo-peer.ts';
import { anInvoice } from '../../support/invoices.ts';

/**
 * The stores behind snapshots and events, against a real DynamoDB peer: dynalite here, Amazon's
 * DynamoDB Local under `npm run test:dynamodb-local`. Every invariant rests on one conditional
 * write, so both must agree on these.
 */

let peer: DynamoPeer;
let snapshots: SnapshotStore;
let runs: RunStateStore;
let watches: WatchList;
beforeAll(async () => {
  peer = await startDynamoPeer();
  snapshots = new SnapshotStore(peer.client, peer.table);
  runs = new RunStateStore(peer.client, peer.table);
  watches = new WatchList(peer.client, peer.table);
}, 90_000);
afterAll(() => peer.stop());

function eventFor(remoteId: string, version: number, sequence: number): InvoiceEvent {
  return {
    id: eventId('carbonext', remoteId, version, 'invoice.discovered'),
    type: 'invoice.discovered',
    occurredAt: '2026-01-01T00:00:00Z',
    sequence,
    connection: 'carbonext',
    provider: 'carbonext',
    invoice: anInvoice(remoteId),
    previous: null,
  };
}

function change(remoteId: string, fields: Partial<SnapshotWrite> = {}): SnapshotWrite {
  const state = fields.state ?? anInvoice(remoteId);
  return {
    connection: 'carbonext',
    remoteId,
    state,
    hash: stateHash(state),
    version: 1,
    sequence: 1,
    gone: false,
    via: null,
    outbox: [],
    expectedVersion: null,
    ...fields,
  };
}

async function pendingIds(connection = 'carbonext') {
  const ids: string[] = [];
  for await (const record of snapshots.pending(connection)) ids.push(record.remoteId);
  return ids.sort();
}

describe(`snapshot store (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  test('a first sighting is written once; a second writer with the same expectation loses', async () => {
    expect(await snapshots.write(change('a'))).toBe('written');
    expect(await snapshots.write(change('a'))).toBe('conflict');
  });

  test('a change from a stale version loses the version check', async () => {
    await snapshots.write(change('b'));
    const paid = anInvoice('b', { status: 'PAID' });
    expect(
      await snapshots.write(
        change('b', { state: paid, hash: stateHash(paid), version: 2, expectedVersion: 1 }),
      ),
    ).toBe('written');
    expect(await snapshots.write(change('b', { version: 2, expectedVersion: 1 }))).toBe('conflict');
    const stored = (await snapshots.getMany('carbonext', ['b'])).get('b');
    expect(stored?.version).toBe(2);
    expect(stored?.state().status).toBe('PAID');
  });

  test('the outbox is written with the change and found through the sparse index until cleared', async () => {
    const events = [
      eventFor('c', 1, 1),
      {
        ...eventFor('c', 1, 2),
        type: 'invoice.paid' as const,
        id: eventId('carbonext', 'c', 1, 'invoice.paid'),
      },
    ];
    await snapshots.write(change('c', { outbox: events, sequence: 2 }));
    expect(await pendingIds()).toEqual(['c']);
    const stored = (await snapshots.getMany('carbonext', ['c'])).get('c');
    expect(stored?.outbox().map((event) => event.id)).toEqual(events.map((event) => event.id));
    await snapshots.clearOutbox('carbonext', 'c', [events[0]?.id ?? ''], 2);
    expect(await pendingIds()).toEqual(['c']);
    await snapshots.clearOutbox('carbonext', 'c', [events[1]?.id ?? ''], 1);
    expect(await pendingIds()).toEqual([]);
  });

  test('clearing never drops events added after the publish began', async () => {
    const first = eventFor('d', 1, 1);
    await snapshots.write(change('d', { outbox: [first] }));
    const second = { ...eventFor('d', 2, 2), id: eventId('carbonext', 'd', 2, 'invoice.updated') };
    await snapshots.write(
      change('d', { version: 2, sequence: 2, expectedVersion: 1, outbox: [first, second] }),
    );
    await snapshots.clearOutbox('carbonext', 'd', [first.id], 1); // the publisher only knew one event
    const stored = (await snapshots.getMany('carbonext', ['d'])).get('d');
    expect(stored?.outbox().map((event) => event.id)).toEqual([second.id]);
    expect(await pendingIds()).toContain('d');
  });

  test('items are validated when read back', async () => {
    await peer.client.send(
      new PutItemCommand({
        TableName: peer.table,
        Item: {
          pk: { S: 'CONN#carbonext' },
          sk: { S: 'INV#corrupt' },
          hash: { S: 'x' },
          version: { S: 'one' },
        },
      }),
    );
    await expect(snapshots.getMany('carbonext', ['corrupt'])).rejects.toBeInstanceOf(CorruptItem);
  });

  test('every stored invoice of a connection is listed for gone detection, and forgetting keeps pending ones', async () => {
    await snapshots.write(change('e', { via: 'invoice#e' }));
    const listed: string[] = [];
    for await (const item of snapshots.all('carbonext')) listed.push(item.remoteId);
    expect(listed).toEqual(expect.arrayContaining(['a', 'b', 'e']));
    await snapshots.forget('carbonext', 'e');
    await snapshots.forget('carbonext', 'd'); // has a pending event: stays
    expect([...(await snapshots.getMany('carbonext', ['d', 'e'])).keys()]).toEqual(['d']);
  });
});

describe(`run state (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  test('one lease at a time; an expired lease can be taken over; only its owner renews it', async () => {
    expect(await runs.acquire('packcloud', 'run-1', 1000, 10_000)).toBe(true);
    expect(await runs.acquire('packcloud', 'run-2', 1000, 10_500)).toBe(false);
    expect(await runs.renew('packcloud', 'run-2', 1000, 10_500)).toBe(false);
    expect(await runs.renew('packcloud', 'run-1', 1000, 10_500)).toBe(true);
    expect(await runs.acquire('packcloud', 'run-2', 1000, 12_000)).toBe(true);
    expect(await runs.renew('packcloud', 'run-1', 1000, 12_100)).toBe(false);
  });

  test('a checkpoint round-trips the cursor and everything seen, across several chunks', async () => {
    expect(await runs.acquire('pretendentas', 'run-x', 60_000)).toBe(true);
    const seen = new Set(Array.from({ length: 12_345 }, (_, i) => `inv-${i}`));
    const progress = { cursor: 'page-7', pages: 7, seen, watches: new Set(['order#5']) };
    expect(await runs.checkpoint('pretendentas', 'run-x', progress)).toBe(true);
    const resumed = await runs.resume('pretendentas', 'run-x');
    expect(resumed?.cursor).toBe('page-7');
    expect(resumed?.pages).toBe(7);
    expect(resumed?.seen).toEqual(seen);
    expect(resumed?.watches).toEqual(new Set(['order#5']));
    expect(await runs.resume('pretendentas', 'someone-else')).toBeNull();
    await runs.finish('pretendentas', 'run-x', { completed: true });
    expect(await runs.lastCompletedAt('pretendentas')).not.toBeNull();
    expect(await runs.acquire('pretendentas', 'run-y', 60_000)).toBe(true);
  });
});

describe(`watch list and event log (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  test('watches page in key order and can be removed', async () => {
    for (const id of ['3', '1', '2']) await watches.add('orders-api', 'order', id);
    await watches.add('orders-api', 'invoice', '1001');
    const first = await watches.page('orders-api', null, 2);
    const second = await watches.page('orders-api', first.next, 10);
    expect([...first.watches, ...second.watches].map((w) => w.key)).toEqual([
      'invoice#1001',
      'order#1',
      'order#2',
      'order#3',
    ]);
    await watches.remove('orders-api', 'order', '2');
    expect((await watches.page('orders-api', null, 10)).watches.map((w) => w.id)).toEqual(['1001', '1', '3']);
  });

  test('the log keeps events in logged order across days, idempotently, with a TTL', async () => {
    const log = new EventLog(peer.client, peer.table, { retentionDays: 30, settleMs: 1000 });
    const day1 = Date.parse('2026-11-19T23:59:58Z');
    const day2 = Date.parse('2026-11-20T00:00:03Z');
    const early = { ...eventFor('log-a', 1, 1), connection: 'log' };
    const late = { ...eventFor('log-b', 1, 1), connection: 'log' };
    await log.append([early], day1);
    await log.append([early], day1); // a retry writes the same item again
    await log.append([late], day2);
    const accept = (event: { connection: string }) => event.connection === 'log';
    const now = Date.parse('2026-11-20T00:00:10Z');
    const first = await log.read(log.start(now), 1, accept, now);
    expect(first.events.map((e) => e.id)).toEqual([early.id]);
    const second = await log.read(first.next, 10, accept, now);
    expect(second.events.map((e) => e.id)).toEqual([late.id]);
    const third = await log.read(second.next, 10, accept, now);
    expect(third.events).toEqual([]);
    // Not yet settled: an event logged within the last second is not shown.
    const fresh = await log.read(log.start(now), 10, accept, day2 + 500);
    expect(fresh.events.map((e) => e.id)).toEqual([early.id]);
    expect(await log.history('log', 'log-a')).toHaveLength(1);
    const { Item } = await peer.client.send(
      new GetItemCommand({
        TableName: peer.table,
        Key: { pk: { S: 'EVT#log#log-a' }, sk: { S: 'SEQ#0000000001' } },
      }),
    );
    expect(Number(Item?.expiresAt?.N)).toBe(Math.floor(day1 / 1000) + 30 * 86_400);
  });
});
