import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stateHash } from '../../../shared/events/change-detection.ts';
import { DynamoEventLog } from '../../../shared/events/dynamo-event-log.ts';
import { buildEvents } from '../../../shared/events/event-envelope.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { DynamoRunStateStore } from '../../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotReader } from '../../../shared/snapshot/dynamo-snapshot-reads.ts';
import { DynamoSnapshotStore } from '../../../shared/snapshot/dynamo-snapshot-store.ts';
import { emptyStats, type WalkProgress } from '../../../shared/snapshot/run-state.ts';
import { CorruptItem, type SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { Table } from '../../../shared/storage/dynamo.ts';
import { keys } from '../../../shared/storage/keys.ts';
import { DynamoWatchStore } from '../../../shared/watches/dynamo-watch-store.ts';
import { watchKey } from '../../../shared/watches/watch-store.ts';
import { type DynamoPeer, startDynamoPeer } from '../../support/dynamo-peer.ts';
import { anInvoice } from '../../support/invoices.ts';

/**
 * The stores behind snapshots and events, against a real DynamoDB peer: dynalite here, Amazon's
 * DynamoDB Local under `npm run test:dynamodb-local`. Every invariant rests on one conditional
 * write, so both must agree on these.
 */

let peer: DynamoPeer;
let table: Table;
let snapshots: DynamoSnapshotStore;
let runs: DynamoRunStateStore;
let watches: DynamoWatchStore;
beforeAll(async () => {
  peer = await startDynamoPeer();
  table = new Table(peer.client, peer.table);
  snapshots = new DynamoSnapshotStore(table);
  runs = new DynamoRunStateStore(table);
  watches = new DynamoWatchStore(table);
}, 90_000);
afterAll(() => peer.stop());

function eventsFor(
  remoteId: string,
  version: number,
  sequence: number,
  status = 'OPEN' as const,
): InvoiceEvent[] {
  const invoice = anInvoice(remoteId, { status });
  return buildEvents({
    connection: 'carbonext',
    invoice,
    stateHash: stateHash(invoice),
    before: null,
    version,
    sequence: sequence - 1,
    types: ['invoice.discovered'],
    occurredAt: '2026-01-01T00:00:00Z',
  });
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
    changedAt: '2026-01-01T00:00:00.000Z',
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

  test('the outbox is written with the change and listed as pending until cleared', async () => {
    const [first] = eventsFor('c', 1, 1);
    const second = {
      ...(first as InvoiceEvent),
      id: 'evt_second',
      type: 'invoice.paid' as const,
      sequence: 2,
    };
    const events = [first as InvoiceEvent, second];
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
    const [first] = eventsFor('d', 1, 1) as [InvoiceEvent];
    await snapshots.write(change('d', { outbox: [first] }));
    const second = { ...first, id: 'evt_later', sequence: 2, type: 'invoice.updated' as const };
    await snapshots.write(
      change('d', { version: 2, sequence: 2, expectedVersion: 1, outbox: [first, second] }),
    );
    await snapshots.clearOutbox('carbonext', 'd', [first.id], 1); // the publisher only knew one event
    const stored = (await snapshots.getMany('carbonext', ['d'])).get('d');
    expect(stored?.outbox().map((event) => event.id)).toEqual([second.id]);
    expect(await pendingIds()).toContain('d');
  });

  test('items are validated when read back', async () => {
    await table.put({ ...keys.snapshot('carbonext', 'corrupt'), hash: 'x', version: 'one' });
    await expect(snapshots.getMany('carbonext', ['corrupt'])).rejects.toBeInstanceOf(CorruptItem);
  });

  test('unfollowing keeps the record as a tombstone, versions and sequences included, and leaves pending ones alone', async () => {
    await snapshots.write(change('e', { via: 'invoice#e', version: 7, sequence: 9 }));
    await snapshots.unfollow('carbonext', 'e');
    await snapshots.unfollow('carbonext', 'd'); // has a pending event: stays followed
    const stored = await snapshots.getMany('carbonext', ['d', 'e']);
    expect(stored.get('e')).toMatchObject({ followed: false, version: 7, sequence: 9 });
    expect(stored.get('d')?.followed).toBe(true);
    const listed = new Map<string, boolean>();
    for await (const item of snapshots.all('carbonext')) listed.set(item.remoteId, item.followed);
    expect(listed.get('e')).toBe(false);
    expect(listed.get('a')).toBe(true);
  });

  test('a tombstone leaves the snapshot reads; followed again, it is back with its version going on', async () => {
    const reader = new DynamoSnapshotReader(table, runs, { settleMs: 0 });
    const now = Date.parse('2026-06-01T00:00:00Z');
    const read = async () =>
      (await reader.page({ connections: ['carbonext'], includeGone: true, limit: 100 }, now)).invoices.map(
        (entry) => entry.invoice.remoteId,
      );
    expect(await read()).not.toContain('e');
    expect(await reader.get('carbonext', 'e', now)).toBeNull();
    expect(
      await snapshots.write(
        change('e', { version: 8, sequence: 9, expectedVersion: 7, changedAt: '2026-02-01T00:00:00.000Z' }),
      ),
    ).toBe('written');
    expect(await read()).toContain('e');
    expect((await reader.get('carbonext', 'e', now))?.snapshot.version).toBe(8);
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

  test('a checkpoint round-trips the walk across several chunks; the run ends with its outcome kept', async () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    expect(await runs.acquire('pretendentas', 'run-x', 60_000, now)).toBe(true);
    const seen = new Set(Array.from({ length: 12_345 }, (_, i) => `inv-${i}`));
    const progress: WalkProgress = {
      cursor: 'page-7',
      pages: 7,
      seen,
      watches: new Set(['order#5']),
      cursors: new Set(['digest-1', 'digest-2']),
      quarantinedIds: new Set(['inv-3']),
      quarantined: 2,
      unidentified: 1,
      phase: 'walk',
      startedAt: new Date(now).toISOString(),
      totals: { ...emptyStats(), invoices: 700, changed: 3 },
    };
    expect(await runs.checkpoint('pretendentas', 'run-x', progress, now)).toBe(true);
    // A second, smaller checkpoint leaves no chunk of the first behind.
    expect(
      await runs.checkpoint('pretendentas', 'run-x', { ...progress, seen: new Set(['only']) }, now),
    ).toBe(true);
    const resumed = await runs.resume('pretendentas', 'run-x');
    expect(resumed).toMatchObject({
      cursor: 'page-7',
      pages: 7,
      quarantined: 2,
      unidentified: 1,
      phase: 'walk',
    });
    expect(resumed?.seen).toEqual(new Set(['only']));
    expect(resumed?.watches).toEqual(new Set(['order#5']));
    expect(resumed?.cursors).toEqual(new Set(['digest-1', 'digest-2']));
    expect(resumed?.quarantinedIds).toEqual(new Set(['inv-3']));
    expect(resumed?.totals.invoices).toBe(700);
    expect(await runs.resume('pretendentas', 'someone-else')).toBeNull();
    await runs.finish(
      'pretendentas',
      'run-x',
      { completed: true, reason: null, stats: emptyStats(), goneDetection: 'ran', quarantinedIds: ['inv-3'] },
      now + 1000,
    );
    const status = await runs.status('pretendentas', now + 2000);
    expect(status).toMatchObject({
      running: false,
      lastCompletedAt: new Date(now + 1000).toISOString(),
      lastCompletedWalkStartedAt: new Date(now).toISOString(),
      lastCompletedQuarantined: ['inv-3'],
    });
    expect(status.lastRun?.outcome).toBe('completed');
    expect(await runs.acquire('pretendentas', 'run-y', 60_000, now + 3000)).toBe(true);
  });
});

describe(`watches (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  const watch = (kind: 'invoice' | 'order', id: string) => ({ kind, id, key: watchKey(kind, id) });

  test('watches page in key order, each invoice once whoever watches it, across page boundaries', async () => {
    for (const id of ['3', '1', '2']) await watches.add('t1', 'orders-api', watch('order', id), 100, 0);
    for (const id of ['1', '2']) await watches.add('t2', 'orders-api', watch('order', id), 100, 0);
    await watches.add('t1', 'orders-api', watch('invoice', '1001'), 100, 0);
    const keysSeen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await watches.page('orders-api', cursor, 1);
      keysSeen.push(...page.watches.map((w) => w.key));
      cursor = page.next;
    } while (cursor !== null);
    expect(keysSeen).toEqual(['invoice#1001', 'order#1', 'order#2', 'order#3']);
  });

  test("a tenant removing its watch leaves another tenant's watch of the same order in place", async () => {
    expect(await watches.remove('t2', 'orders-api', watch('order', '1'))).toBe(true);
    expect(await watches.remove('t2', 'orders-api', watch('order', '1'))).toBe(false);
    const page = await watches.page('orders-api', null, 10);
    expect(page.watches.map((w) => w.key)).toContain('order#1'); // t1 still watches it
    expect(await watches.count('t2', 'orders-api')).toBe(1);
    expect(await watches.count('t1', 'orders-api')).toBe(4);
  });

  test('a tenant at its quota gets no new watch; one it already holds is still fine', async () => {
    expect(await watches.add('t3', 'vn-einvoice', watch('invoice', 'a'), 2, 0)).toBe('added');
    expect(await watches.add('t3', 'vn-einvoice', watch('invoice', 'b'), 2, 0)).toBe('added');
    expect(await watches.add('t3', 'vn-einvoice', watch('invoice', 'c'), 2, 0)).toBe('over-quota');
    expect(await watches.add('t3', 'vn-einvoice', watch('invoice', 'a'), 2, 0)).toBe('already-watched');
    expect(await watches.count('t3', 'vn-einvoice')).toBe(2);
    await watches.remove('t3', 'vn-einvoice', watch('invoice', 'a'));
    expect(await watches.add('t3', 'vn-einvoice', watch('invoice', 'c'), 2, 0)).toBe('added');
  });
});

describe(`event log (${process.env.DYNAMODB_PEER ?? 'dynalite'})`, () => {
  const eventOf = (connection: string, remoteId: string, id: string): InvoiceEvent => ({
    ...(eventsFor(remoteId, 1, 1)[0] as InvoiceEvent),
    id,
    connection,
  });

  test('an event is logged once: a repeated append keeps its entry and its place in the log', async () => {
    const log = new DynamoEventLog(table, { retentionDays: 30, settleMs: 1000 });
    const first = Date.parse('2026-11-19T23:59:58Z');
    const event = eventOf('once', 'log-a', 'evt_once');
    expect(await log.append([event], first)).toBe(1);
    expect(await log.append([{ ...event, occurredAt: '2030-01-01T00:00:00Z' }], first + 60_000)).toBe(0);
    const now = first + 120_000;
    const page = await log.read(['once'], log.start(now), { limit: 10, budget: 100 }, now);
    expect(page.events).toEqual([event]);
    expect(await log.history('once', 'log-a')).toEqual([event]);
    const stored = await table.get(keys.historyEvent('once', 'log-a', 1, 'evt_once'));
    expect(stored?.expiresAt).toBe(Math.floor(first / 1000) + 30 * 86_400);
  });

  test('two different events of one sequence number never replace each other', async () => {
    const log = new DynamoEventLog(table, { retentionDays: 30, settleMs: 0 });
    const a = eventOf('seq', 'x', 'evt_a');
    const b = { ...eventOf('seq', 'x', 'evt_b'), type: 'invoice.updated' as const };
    await log.append([a], 1000);
    await log.append([b], 2000);
    expect((await log.history('seq', 'x')).map((event) => event.id).sort()).toEqual(['evt_a', 'evt_b']);
  });

  test('several connections merge in logged order; a reader sees only the connections it asks for; a budget ends a read early', async () => {
    const log = new DynamoEventLog(table, { retentionDays: 30, settleMs: 1000 });
    const base = Date.parse('2026-11-20T10:00:00Z');
    for (let index = 0; index < 6; index++) {
      const connection = index % 2 === 0 ? 'merge-1' : 'merge-2';
      await log.append([eventOf(connection, `r${index}`, `evt_m${index}`)], base + index * 10);
    }
    await log.append([eventOf('merge-3', 'hidden', 'evt_hidden')], base + 25);
    const now = base + 10_000;
    const all: string[] = [];
    let position = log.start(now);
    for (let calls = 0; calls < 20; calls++) {
      const page = await log.read(['merge-1', 'merge-2'], position, { limit: 100, budget: 2 }, now);
      all.push(...page.events.map((event) => event.id));
      position = page.next;
      if (page.caughtUp) break;
    }
    expect(all).toEqual(['evt_m0', 'evt_m1', 'evt_m2', 'evt_m3', 'evt_m4', 'evt_m5']);
    // Not yet settled: an event logged within the last second is not shown.
    const fresh = await log.read(['merge-1'], log.start(now), { limit: 10, budget: 100 }, base + 1015);
    expect(fresh.events.map((event) => event.id)).toEqual(['evt_m0']);
  });
});
