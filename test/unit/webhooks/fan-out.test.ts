import { describe, expect, test } from 'vitest';
import { deliverable, deliveryIdFor } from '../../../shared/webhooks/fan-out.ts';
import { invoiceEvent, relayWorld } from '../../support/fakes/relay-world.ts';

/** From events to deliveries: who is eligible, what the filters let through, and redeliveries. */

const BOOKS_PAID = () =>
  invoiceEvent('books', 'inv-1', { type: 'invoice.paid', status: 'PAID', sequence: 2 });

describe('fanning events out', () => {
  test('an event becomes one queued delivery per endpoint whose route, filter and owner grant let it through', async () => {
    const world = relayWorld();
    const booksKey = await world.key('acme', ['books']);
    const ledgerKey = await world.key('acme', ['ledger']);
    const allKey = await world.key('globex', '*');
    const books = await world.endpoint(booksKey);
    await world.endpoint(booksKey, { filter: { eventTypes: ['invoice.voided'] } });
    await world.endpoint(ledgerKey);
    const everything = await world.endpoint(allKey);
    const event = BOOKS_PAID();

    const queued = await world.fanOut().events([event], 'run-7');

    expect(queued).toBe(2);
    expect(world.queue.sent.map((entry) => [entry.message.endpointId, entry.delaySeconds])).toEqual(
      expect.arrayContaining([
        [books.record.id, 0],
        [everything.record.id, 0],
      ]),
    );
    expect(world.queue.sent[0]?.message).toMatchObject({
      kind: 'delivery',
      generation: 1,
      attempt: 1,
      notBefore: 0,
    });
    const stored = await world.deliveries.get(books.record.id, deliveryIdFor(books.record.id, event.id));
    expect(stored).toMatchObject({
      status: 'pending',
      attempts: 0,
      tenant: 'acme',
      connection: 'books',
      eventType: 'invoice.paid',
      body: deliverable(event).body,
      correlationId: 'run-7',
      dueAt: new Date(world.clock()).toISOString(),
    });
  });

  test('status and connection filters pick the events an endpoint wants', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', '*');
    const paidOnly = await world.endpoint(owner, { filter: { statuses: ['PAID'] } });
    const ledgerOnly = await world.endpoint(owner, {
      filter: { connections: ['ledger'] },
      connections: ['ledger'],
    });

    await world
      .fanOut()
      .events([invoiceEvent('books', 'open-1'), BOOKS_PAID(), invoiceEvent('ledger', 'open-2')]);

    const byEndpoint = (id: string) =>
      world.deliveries
        .all()
        .filter((delivery) => delivery.endpointId === id)
        .map((delivery) => delivery.eventId);
    expect(byEndpoint(paidOnly.record.id)).toEqual([BOOKS_PAID().id]);
    expect(byEndpoint(ledgerOnly.record.id)).toEqual([invoiceEvent('ledger', 'open-2').id]);
  });

  test('an endpoint receives only what its owner key is granted now: narrowed or revoked owners stop deliveries', async () => {
    const world = relayWorld();
    const narrowed = await world.key('acme', ['books']);
    const revoked = await world.key('acme', ['books']);
    await world.endpoint(narrowed);
    await world.endpoint(revoked);
    world.keys.regrant(narrowed.keyId, ['ledger']);
    await world.keys.revoke(revoked.keyId);
    world.clock.advance(31_000); // past the time an owner's grant is trusted

    const queued = await world.fanOut().events([BOOKS_PAID()]);

    expect(queued).toBe(0);
    expect(world.deliveries.all()).toEqual([]);
  });

  test('an owner’s grant is trusted for its cache time, then read again', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    await world.endpoint(owner);
    await world.fanOut().events([invoiceEvent('books', 'first')]);
    world.keys.regrant(owner.keyId, ['ledger']);

    const withinCache = await world.fanOut().events([invoiceEvent('books', 'second')]);
    world.clock.advance(30_001);
    const afterCache = await world.fanOut().events([invoiceEvent('books', 'third')]);

    expect([withinCache, afterCache]).toEqual([1, 0]);
  });

  test('an endpoint without an owner, of an owner of another tenant, or disabled receives nothing', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', '*');
    const stranger = await world.key('globex', '*');
    await world.endpoint(owner, { ownerKeyId: null });
    await world.endpoint(owner, { ownerKeyId: stranger.keyId });
    await world.endpoint(owner, { enabled: false, disabledReason: 'disabled through the API' });

    expect(await world.fanOut().events([BOOKS_PAID()])).toBe(0);
  });

  test('the same event fanned out again is still one delivery, queued again while it is pending', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    const { record } = await world.endpoint(owner);
    const event = BOOKS_PAID();

    await world.fanOut().events([event]);
    await world.fanOut().events([event]);
    const pendingQueued = world.queue.sent.length;
    const deliveryId = deliveryIdFor(record.id, event.id);
    const stored = await world.deliveries.get(record.id, deliveryId);
    await world.deliveries.update(
      { ...(stored as NonNullable<typeof stored>), status: 'delivered', dueAt: null },
      1,
      world.clock(),
    );
    await world.fanOut().events([event]);

    expect(world.deliveries.all()).toHaveLength(1);
    expect(pendingQueued).toBe(2);
    expect(world.queue.sent).toHaveLength(2);
    expect(new Set(world.queue.sent.map((entry) => entry.message.deliveryId))).toEqual(new Set([deliveryId]));
  });

  test('a delivery id that holds another event is reported as a conflict and left as it is', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    const { record } = await world.endpoint(owner);
    const event = BOOKS_PAID();
    const deliveryId = deliveryIdFor(record.id, event.id);
    const squatter = {
      deliveryId,
      endpointId: record.id,
      tenant: 'acme',
      eventId: event.id,
      eventType: 'invoice.paid',
      connection: 'books',
      body: '{"something":"else"}',
      generation: 1,
      status: 'pending' as const,
      attempts: 0,
      createdAt: new Date(world.clock()).toISOString(),
      lastAttemptAt: null,
      dueAt: null,
      requeues: 0,
      correlationId: null,
    };
    await world.deliveries.create(squatter, world.clock());

    const queued = await world.fanOut().events([event]);

    expect(queued).toBe(0);
    expect(world.conflicts).toEqual([{ endpointId: record.id, deliveryId, eventId: event.id }]);
    expect(await world.deliveries.get(record.id, deliveryId)).toEqual(squatter);
  });

  test('sending again (a retry) starts the delivery over as a new generation, attempts from one', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    const { record } = await world.endpoint(owner);
    const event = BOOKS_PAID();
    await world.fanOut().events([event]);

    const deliveryId = await world.fanOut().send(record, deliverable(event), 'again');

    expect(await world.deliveries.get(record.id, deliveryId)).toMatchObject({
      generation: 2,
      attempts: 0,
      status: 'pending',
    });
    expect(world.queue.sent.at(-1)?.message).toMatchObject({ deliveryId, generation: 2, attempt: 1 });
  });
});

describe('recovering an endpoint', () => {
  test('re-sends every logged event since the time that its owner may receive and its filter matches', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    const { record } = await world.endpoint(owner, { filter: { eventTypes: ['invoice.paid'] } });
    const before = world.clock();
    await world.log.append(
      [invoiceEvent('books', 'old', { type: 'invoice.paid', status: 'PAID' })],
      before - 60_000,
    );
    const wanted = invoiceEvent('books', 'new', { type: 'invoice.paid', status: 'PAID' });
    await world.log.append(
      [
        wanted,
        invoiceEvent('books', 'open'),
        invoiceEvent('ledger', 'other', { type: 'invoice.paid', status: 'PAID' }),
      ],
      before + 1000,
    );
    world.clock.advance(5000);

    const queued = await world.fanOut().recover({
      kind: 'recover',
      tenant: 'acme',
      endpointId: record.id,
      since: new Date(before).toISOString(),
    });

    expect(queued).toBe(1);
    expect(world.deliveries.all().map((delivery) => [delivery.eventId, delivery.generation])).toEqual([
      [wanted.id, 1],
    ]);
  });

  test('an endpoint of every connection recovers the configured ones; the cap stops a recover and says so', async () => {
    const world = relayWorld({ connectionIds: ['books', 'ledger'] });
    const owner = await world.key('acme', '*');
    const { record } = await world.endpoint(owner);
    const since = new Date(world.clock()).toISOString();
    await world.log.append(
      [invoiceEvent('books', 'b1'), invoiceEvent('ledger', 'l1'), invoiceEvent('unconfigured', 'u1')],
      world.clock() + 1000,
    );
    world.clock.advance(5000);

    const all = await world
      .fanOut()
      .recover({ kind: 'recover', tenant: 'acme', endpointId: record.id, since });
    const capped = await world
      .fanOut(1)
      .recover({ kind: 'recover', tenant: 'acme', endpointId: record.id, since });

    expect(all).toBe(2);
    // The cap holds inside a page of the log: one delivery, not the page's two.
    expect(capped).toBe(1);
    expect(world.capped).toEqual([{ endpointId: record.id, queued: 1 }]);
    expect(world.deliveries.all().every((delivery) => delivery.connection !== 'unconfigured')).toBe(true);
    // Each recover starts its deliveries over: the one the capped recover reached is a second generation.
    expect(
      world.deliveries
        .all()
        .map((delivery) => delivery.generation)
        .sort(),
    ).toEqual([1, 2]);
  });

  test('a disabled or deleted endpoint recovers nothing', async () => {
    const world = relayWorld();
    const owner = await world.key('acme', ['books']);
    const { record } = await world.endpoint(owner, { enabled: false });
    await world.log.append([invoiceEvent('books', 'b1')], world.clock());
    world.clock.advance(5000);
    const since = '2025-12-31T00:00:00.000Z';

    const disabled = await world
      .fanOut()
      .recover({ kind: 'recover', tenant: 'acme', endpointId: record.id, since });
    const deleted = await world
      .fanOut()
      .recover({ kind: 'recover', tenant: 'acme', endpointId: 'wh_gone', since });

    expect([disabled, deleted]).toEqual([0, 0]);
  });
});
