import { describe, expect, test } from 'vitest';
import { UpstreamUnavailable } from '../../../shared/errors.ts';
import type { SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import type { MemorySnapshotStore } from '../../support/fakes/memory-snapshot-store.ts';
import { CONNECTION, snapshotWorld } from '../../support/fakes/snapshot-world.ts';

/** The snapshot runner's walk over a listing provider: discovery, changes, gone detection, refusals. */

const typesOf = (world: ReturnType<typeof snapshotWorld>, remoteId: string) =>
  world.publisher.events.filter((event) => event.invoice.remoteId === remoteId).map((event) => event.type);

describe('a walk over a provider with a list', () => {
  test('a first walk discovers every invoice, page by page, and publishes one discovered event each', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });

    const outcome = await world.run();

    expect(outcome).toEqual({
      kind: 'completed',
      goneDetection: 'ran',
      stats: { pages: 2, invoices: 3, changed: 3, events: 3, published: 3, gone: 0, quarantined: 0 },
    });
    expect(
      world.publisher.events.map((event) => [event.invoice.remoteId, event.type, event.sequence]),
    ).toEqual([
      ['a', 'invoice.discovered', 1],
      ['b', 'invoice.discovered', 1],
      ['c', 'invoice.discovered', 1],
    ]);
    expect(world.provider.calls).toEqual([
      { operation: 'list', cursor: null, limit: 2 },
      { operation: 'list', cursor: 'page-1', limit: 2 },
    ]);
  });

  test('published events are logged, carry the run id as correlation id, and leave no outbox behind', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'] });

    await world.run();

    const pending = [];
    for await (const record of world.snapshots.pending(CONNECTION)) pending.push(record.remoteId);
    expect(pending).toEqual([]);
    expect(world.log.size).toBe(2);
    const correlationIds = new Set(world.publisher.published.map((entry) => entry.correlationId));
    expect(correlationIds.size).toBe(1);
    expect([...correlationIds][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a walk that finds nothing changed writes nothing and publishes nothing', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });
    await world.run();
    const writes = world.snapshots.writes;
    world.clock.advance(60_000);

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', stats: { invoices: 3, changed: 0, events: 0 } });
    expect(world.snapshots.writes).toBe(writes);
    expect(world.publisher.events).toHaveLength(3);
  });

  test('a paid invoice becomes status_changed and paid, with its previous state, the next sequences and a new version', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'] });
    await world.run();
    world.provider.change('b', { status: 'PAID', providerStatus: 'paid' });
    world.clock.advance(60_000);

    await world.run();

    const paid = world.publisher.events.filter((event) => event.invoice.remoteId === 'b').slice(1);
    expect(paid.map((event) => [event.type, event.sequence, event.invoice.status])).toEqual([
      ['invoice.status_changed', 2, 'PAID'],
      ['invoice.paid', 3, 'PAID'],
    ]);
    expect(paid[0]?.previous).toMatchObject({ version: 1, status: 'OPEN', providerStatus: 'open' });
    expect(await world.stored('b')).toMatchObject({
      version: 2,
      sequence: 3,
      changedAt: '2026-01-01T00:01:00.000Z',
    });
  });

  test('a change of anything but the status is one updated event; a touched updatedAt alone is none', async () => {
    const world = snapshotWorld({ invoices: ['a'] });
    await world.run();
    world.provider.change('a', { updatedAt: '2026-01-01T00:00:30.000Z' });
    await world.run();
    world.provider.change('a', { total: '250.00' });

    await world.run();

    expect(typesOf(world, 'a')).toEqual(['invoice.discovered', 'invoice.updated']);
  });

  test('an invoice missing from a complete walk is gone: voided with events, once', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });
    await world.run();
    world.provider.remove('c');

    const outcome = await world.run();
    await world.run();

    expect(outcome).toMatchObject({ kind: 'completed', goneDetection: 'ran', stats: { gone: 1 } });
    expect(typesOf(world, 'c')).toEqual(['invoice.discovered', 'invoice.status_changed', 'invoice.voided']);
    expect(await world.stored('c')).toMatchObject({ gone: true, status: 'VOID', followed: true });
  });

  test('an invoice that comes back after it was gone is no longer gone', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'] });
    await world.run();
    world.provider.remove('b');
    await world.run();
    world.provider.put(providerInvoice('b'));

    await world.run();

    expect(await world.stored('b')).toMatchObject({ gone: false, status: 'OPEN' });
    expect(typesOf(world, 'b').at(-1)).toBe('invoice.status_changed');
  });

  test('a walk that fails part-way fails the run with its reason, keeps what it recorded, and marks nothing gone', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c', 'd', 'e'] });
    await world.run();
    world.provider.remove('e');
    world.provider.change('a', { status: 'PAID' });
    world.provider.failingPages.set(1, new UpstreamUnavailable('fake', 'answered 503'));
    world.clock.advance(60_000);

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'failed', reason: 'fake is unavailable: answered 503' });
    expect(await world.stored('e')).toMatchObject({ gone: false });
    // What the first page changed is stored with its events, and they go out with this run.
    expect(await world.stored('a')).toMatchObject({ version: 2, status: 'PAID', pending: false });
    expect(typesOf(world, 'a').slice(-2)).toEqual(['invoice.status_changed', 'invoice.paid']);
    expect(outcome).toMatchObject({ stats: { published: 2 } });
    const status = await world.runs.status(CONNECTION, world.clock());
    expect(status.lastRun).toMatchObject({ outcome: 'failed', reason: 'fake is unavailable: answered 503' });
    expect(status.running).toBe(false);
  });

  test('an error that is not the provider’s fails the invocation and still releases the lease', async () => {
    const world = snapshotWorld({ invoices: ['a'] });
    world.provider.failingPages.set(0, new TypeError('a bug of ours'));

    await expect(world.run()).rejects.toThrow('a bug of ours');

    const status = await world.runs.status(CONNECTION, world.clock());
    expect(status).toMatchObject({
      running: false,
      lastRun: { outcome: 'failed', reason: 'internal error' },
    });
  });

  test('a record that cannot be read is quarantined: reported, not gone, its stored state not vouched for', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });
    await world.run();
    world.provider.unreadable.add('b');
    world.provider.remove('c');

    const outcome = await world.run();

    expect(outcome).toMatchObject({
      kind: 'completed',
      goneDetection: 'ran',
      stats: { quarantined: 1, gone: 1 },
    });
    expect(world.quarantined).toEqual([
      { position: 'items[1]', remoteId: 'b', reason: 'total: is not a decimal' },
    ]);
    expect(await world.stored('b')).toMatchObject({ gone: false, version: 1 });
    expect((await world.runs.status(CONNECTION, world.clock())).lastCompletedQuarantined).toEqual(['b']);
  });

  test('a record without a readable id skips gone detection: it could hide any invoice', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });
    await world.run();
    world.provider.remove('c');
    world.provider.unidentified.set(0, 1);

    const outcome = await world.run();

    expect(outcome).toMatchObject({
      kind: 'completed',
      goneDetection: 'skipped',
      stats: { gone: 0, quarantined: 1 },
    });
    expect(await world.stored('c')).toMatchObject({ gone: false });
    expect((await world.runs.status(CONNECTION, world.clock())).lastRun?.goneDetection).toBe('skipped');
  });

  test('a next link that repeats one already followed fails the walk instead of looping, and marks nothing gone', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c', 'd', 'e', 'f'] });
    await world.run();
    world.provider.remove('f');
    world.provider.loop = { onPage: 2, backTo: 1 };

    const outcome = await world.run();

    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/next page link repeats/),
    });
    expect(world.provider.calls.filter((call) => call.operation === 'list')).toHaveLength(3 + 3);
    expect(await world.stored('e')).toMatchObject({ gone: false });
  });

  test('a walk that would pass the connection’s page cap is refused with the cap in its reason', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'], maxPagesPerWalk: 3 });
    world.provider.endless = true;

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/reached 3 pages/) });
    expect(world.provider.calls).toHaveLength(3);
  });

  test('a second run while the first holds the lease is skipped', async () => {
    const world = snapshotWorld({ invoices: ['a'] });
    await world.runs.acquire(CONNECTION, 'someone-else', 60_000, world.clock());

    const outcome = await world.run();

    expect(outcome).toEqual({ kind: 'skipped', reason: 'lease-held' });
    expect(world.provider.calls).toEqual([]);
  });

  test('events the topic refused stay in their outbox and go out, under the same ids, with the next run', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'] });
    world.publisher.down = true;
    const first = await world.run();
    const logged = world.log.size;
    world.publisher.down = false;

    const second = await world.run();

    expect(first).toMatchObject({ kind: 'completed', stats: { events: 2, published: 0 } });
    expect(second).toMatchObject({ kind: 'completed', stats: { events: 0, published: 2 } });
    expect(world.publisher.events.map((event) => event.invoice.remoteId)).toEqual(['a', 'b']);
    expect(world.log.size).toBe(logged);
    expect(logged).toBe(2);
  });

  test('a change computed from a stale read is computed again, so a concurrent writer’s events are not doubled', async () => {
    const world = snapshotWorld({ invoices: ['a'] });
    await world.run();
    world.provider.change('a', { status: 'PAID' });
    // Another writer records the same change between the runner's read and its write.
    const racing = world.snapshots as MemorySnapshotStore & {
      write(change: SnapshotWrite): Promise<'written' | 'conflict'>;
    };
    const write = racing.write.bind(racing);
    let raced = false;
    racing.write = async (change) => {
      if (!raced && change.remoteId === 'a') {
        raced = true;
        await write({ ...change });
      }
      return write(change);
    };

    await world.run();
    const [record] = [...(await world.snapshots.getMany(CONNECTION, ['a'])).values()];
    await world.run(); // the racing writer's events go out with the next run's leftovers

    expect(raced).toBe(true);
    expect(record).toMatchObject({ version: 2, sequence: 3 });
    expect(record?.outbox().map((event) => event.type)).toEqual(['invoice.status_changed', 'invoice.paid']);
    expect(typesOf(world, 'a')).toEqual(['invoice.discovered', 'invoice.status_changed', 'invoice.paid']);
  });
});
