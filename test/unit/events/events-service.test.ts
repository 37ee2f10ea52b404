import { describe, expect, test } from 'vitest';
import { NotFound } from '../../../shared/errors.ts';
import { EventsService } from '../../../shared/events/events-service.ts';
import { CursorSigner } from '../../../shared/lookup/cursor.ts';
import { FakeConnections } from '../../support/fakes/fake-connections.ts';
import { FakeProvider } from '../../support/fakes/fake-provider.ts';
import { lookupWorld, principal } from '../../support/fakes/lookup-world.ts';
import { MemoryEventLog } from '../../support/fakes/memory-event-log.ts';
import { invoiceEvent } from '../../support/fakes/relay-world.ts';
import { manualClock } from '../../support/manual-clock.ts';

/** The event log as the API serves it: only granted connections, tenant-bound positions, budgets. */

function eventsWorld(budget = 1000) {
  const clock = manualClock();
  const provider = new FakeProvider();
  const connections = new FakeConnections([
    { id: 'books', adapter: provider },
    { id: 'ledger', adapter: provider },
  ]);
  const log = new MemoryEventLog({ settleMs: 0, clock });
  const service = new EventsService({
    connections,
    log,
    cursors: new CursorSigner(async () => 'events-cursor-secret'),
    retentionDays: 30,
    clock,
    budget,
  });
  return { clock, log, service };
}

describe('reading the event log', () => {
  test('a key reads the events of the connections it may use, oldest first, and goes on from its position', async () => {
    const world = eventsWorld();
    await world.log.append([invoiceEvent('books', 'b1'), invoiceEvent('ledger', 'l1')], world.clock());
    world.clock.advance(1000);
    const booksOnly = principal({ connections: ['books'] });

    const first = await world.service.list(booksOnly, { limit: 10 });
    world.clock.advance(1);
    await world.log.append([invoiceEvent('books', 'b2')], world.clock());
    world.clock.advance(1000);
    const next = await world.service.list(booksOnly, { limit: 10, after: first.next });

    expect(first.events.map((event) => event.invoice.remoteId)).toEqual(['b1']);
    expect(first.caughtUp).toBe(true);
    expect(next.events.map((event) => event.invoice.remoteId)).toEqual(['b2']);
  });

  test('a position belongs to its tenant; a connection the key may not use does not exist', async () => {
    const world = eventsWorld();
    const { next } = await world.service.list(principal(), { limit: 10 });

    const otherTenant = await world.service
      .list(principal({ tenant: 'globex' }), { limit: 10, after: next })
      .catch((error: unknown) => error);
    const hidden = await world.service
      .list(principal({ connections: ['books'] }), { limit: 10, connection: 'ledger' })
      .catch((error: unknown) => error);

    expect(otherTenant).toMatchObject({ parameter: 'after' });
    expect(hidden).toBeInstanceOf(NotFound);
  });

  test('a type filter and a budget: one call examines at most the budget and says it has not caught up', async () => {
    const world = eventsWorld(2);
    await world.log.append(
      [
        invoiceEvent('books', 'b1'),
        invoiceEvent('books', 'b1', { type: 'invoice.paid', status: 'PAID', sequence: 2 }),
        invoiceEvent('books', 'b2'),
        invoiceEvent('books', 'b2', { type: 'invoice.paid', status: 'PAID', sequence: 2 }),
      ],
      world.clock(),
    );
    world.clock.advance(1000);

    const first = await world.service.list(principal(), {
      limit: 10,
      type: 'invoice.paid',
      connection: 'books',
    });
    const second = await world.service.list(principal(), {
      limit: 10,
      type: 'invoice.paid',
      connection: 'books',
      after: first.next,
    });

    expect([first.caughtUp, first.events.map((event) => event.invoice.remoteId)]).toEqual([false, ['b1']]);
    expect(second.events.map((event) => event.invoice.remoteId)).toEqual(['b2']);
  });

  test("an invoice's history is read by either id, only on a connection the key may use", async () => {
    const world = lookupWorld();
    const log = new MemoryEventLog({ settleMs: 0 });
    const service = new EventsService({
      connections: world.connections,
      log,
      cursors: world.cursors,
      retentionDays: 30,
      clock: world.clock,
    });
    await log.append(
      [invoiceEvent('books', 'h1'), invoiceEvent('books', 'h1', { type: 'invoice.updated', sequence: 2 })],
      world.clock(),
    );

    const history = await service.history(principal(), 'books', 'h1');
    const hidden = await service
      .history(principal({ connections: ['ledger'] }), 'books', 'h1')
      .catch((error: unknown) => error);

    expect(history.map((event) => event.sequence)).toEqual([1, 2]);
    expect(hidden).toBeInstanceOf(NotFound);
  });
});
