import { describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import { type WatchKind, watchKey } from '../../../shared/watches/watch-store.ts';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import { MemorySnapshotReader } from '../../support/fakes/memory-snapshot-reader.ts';
import { CONNECTION, snapshotWorld } from '../../support/fakes/snapshot-world.ts';

/**
 * Snapshots of a provider without a list endpoint: what tenants watch is fetched one by one, an
 * invoice nobody watches any more becomes a tombstone, and one followed again continues its
 * versions and sequences instead of starting over.
 */

const watch = (kind: WatchKind, id: string) => ({ kind, id, key: watchKey(kind, id) });

function watchedWorld(...invoices: string[]) {
  const world = snapshotWorld({ listed: false });
  for (const remoteId of invoices) world.provider.put(providerInvoice(remoteId));
  const follow = (kind: WatchKind, id: string, tenant = 't1') =>
    world.watches.add(tenant, CONNECTION, watch(kind, id), 100, world.clock());
  const unfollow = (kind: WatchKind, id: string, tenant = 't1') =>
    world.watches.remove(tenant, CONNECTION, watch(kind, id));
  return { ...world, follow, unfollow };
}

const eventsOf = (world: ReturnType<typeof watchedWorld>, remoteId: string) =>
  world.publisher.events
    .filter((event) => event.invoice.remoteId === remoteId)
    .map((event) => [event.type, event.sequence]);

describe('a walk over watches', () => {
  test('a watched invoice is fetched, discovered, and remembers the watch that brought it', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');

    const outcome = await world.run();

    expect(outcome).toMatchObject({
      kind: 'completed',
      goneDetection: 'ran',
      stats: { invoices: 1, events: 1 },
    });
    expect(world.provider.calls).toEqual([{ operation: 'get', remoteId: 'x' }]);
    expect(await world.stored('x')).toMatchObject({ via: 'invoice#x', followed: true, version: 1 });
    expect(eventsOf(world, 'x')).toEqual([['invoice.discovered', 1]]);
  });

  test('an order watch brings every invoice of the order, listed under it', async () => {
    const world = watchedWorld();
    world.provider.put(
      providerInvoice('i1', { orderIds: ['ord-1'] }),
      providerInvoice('i2', { orderIds: ['ord-1'] }),
      providerInvoice('i3', { orderIds: ['ord-2'] }),
    );
    await world.follow('order', 'ord-1');

    await world.run();

    expect(world.snapshots.orderMembers(CONNECTION, 'ord-1')).toEqual(['i1', 'i2']);
    expect(await world.stored('i1')).toMatchObject({ via: 'order#ord-1' });
    expect(await world.stored('i3')).toBeUndefined();
  });

  test('watches are read a page at a time, each watched invoice once however many tenants watch it', async () => {
    const world = watchedWorld('x', 'y', 'z');
    for (const id of ['x', 'y', 'z']) await world.follow('invoice', id);
    await world.follow('invoice', 'y', 't2');

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', stats: { pages: 2, invoices: 3 } });
    expect(world.provider.calls.map((call) => (call.operation === 'get' ? call.remoteId : ''))).toEqual([
      'x',
      'y',
      'z',
    ]);
  });

  test('an invoice no watch brings any more becomes a tombstone, without an event and without being voided', async () => {
    const world = watchedWorld('x', 'y');
    await world.follow('invoice', 'x');
    await world.follow('invoice', 'y');
    await world.run();
    await world.unfollow('invoice', 'x');

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', stats: { gone: 0, events: 0 } });
    expect(await world.stored('x')).toMatchObject({
      followed: false,
      gone: false,
      status: 'OPEN',
      version: 1,
    });
    expect(eventsOf(world, 'x')).toEqual([['invoice.discovered', 1]]);
  });

  test("one tenant's unwatching leaves the invoice followed while another tenant watches it", async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x', 't1');
    await world.follow('invoice', 'x', 't2');
    await world.run();
    await world.unfollow('invoice', 'x', 't1');

    await world.run();

    expect(await world.stored('x')).toMatchObject({ followed: true });
  });

  test('followed again after a change, a tombstone goes on with its versions and sequences: no second discovery', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');
    await world.run();
    await world.unfollow('invoice', 'x');
    await world.run();
    world.provider.change('x', { status: 'PAID' });
    await world.follow('invoice', 'x');

    await world.run();

    expect(await world.stored('x')).toMatchObject({ followed: true, version: 2, sequence: 3 });
    expect(eventsOf(world, 'x')).toEqual([
      ['invoice.discovered', 1],
      ['invoice.status_changed', 2],
      ['invoice.paid', 3],
    ]);
    const ids = world.publisher.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('followed again unchanged, a tombstone is back in the reads with a new version and no event', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');
    await world.run();
    await world.unfollow('invoice', 'x');
    await world.run();
    const reader = new MemorySnapshotReader(world.snapshots, world.runs, { settleMs: 0 });
    const whileTombstone = await reader.get(CONNECTION, 'x', world.clock());
    await world.follow('invoice', 'x');

    await world.run();

    expect(whileTombstone).toBeNull();
    expect((await reader.get(CONNECTION, 'x', world.clock()))?.snapshot.version).toBe(2);
    expect(await world.stored('x')).toMatchObject({ followed: true, version: 2, sequence: 1 });
    expect(eventsOf(world, 'x')).toEqual([['invoice.discovered', 1]]);
  });

  test('a watched invoice the provider no longer knows is gone', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');
    await world.run();
    world.provider.remove('x');

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', stats: { gone: 1 } });
    expect(await world.stored('x')).toMatchObject({ gone: true, status: 'VOID' });
  });

  test('a watched invoice that cannot be read is quarantined with its id, and not taken for gone', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');
    await world.run();
    world.provider.unreadable.add('x');

    const outcome = await world.run();

    expect(outcome).toMatchObject({
      kind: 'completed',
      goneDetection: 'ran',
      stats: { quarantined: 1, gone: 0 },
    });
    expect(world.quarantined).toEqual([
      { position: 'invoice#x', remoteId: 'x', reason: 'total: is not a decimal' },
    ]);
    expect(await world.stored('x')).toMatchObject({ gone: false });
  });

  test('an order that cannot be read as a whole skips gone detection, since its invoices are unknown', async () => {
    const world = watchedWorld('x');
    world.provider.put(providerInvoice('i1', { orderIds: ['ord-1'] }));
    await world.follow('order', 'ord-1');
    await world.follow('invoice', 'x');
    await world.run();
    world.provider.remove('x');
    world.provider.beforeCall = (call) => {
      if (call.operation === 'order-invoices')
        throw new MalformedResponse('fake', 'invoices: is not an array');
    };

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', goneDetection: 'skipped' });
    expect(await world.stored('x')).toMatchObject({ gone: false });
    expect(await world.stored('i1')).toMatchObject({ gone: false });
  });

  test('a provider that is down fails the walk instead of quarantining every watch', async () => {
    const world = watchedWorld('x');
    await world.follow('invoice', 'x');
    await world.run();
    world.provider.down = true;

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'failed', reason: 'fake is unavailable: answered 503' });
    expect(world.quarantined).toEqual([]);
    expect(await world.stored('x')).toMatchObject({ gone: false, followed: true });
  });
});
