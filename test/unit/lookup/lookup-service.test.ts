import { describe, expect, test } from 'vitest';
import {
  InvalidInput,
  MalformedResponse,
  NotFound,
  OperationNotSupported,
  RateLimited,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '../../../shared/errors.ts';
import { invoiceId } from '../../../shared/invoice/invoice-id.ts';
import type { ListQuery } from '../../../shared/lookup/lookup-service.ts';
import { lookupWorld, principal, providerInvoice } from '../../support/fakes/lookup-world.ts';

/** Invoices read through from providers, from the snapshot store, or from the store while a provider is down. */

const live = (fields: Partial<ListQuery> = {}): ListQuery => ({
  limit: 2,
  source: 'live',
  includeGone: false,
  ...fields,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}

type World = ReturnType<typeof lookupWorld>;

/** Every page of a list, following `next`. */
async function allPages(world: World, connection: string, query: ListQuery) {
  const pages = [];
  let cursor: string | undefined;
  for (let calls = 0; calls < 50; calls++) {
    const answer = await world.service.listInvoices(principal(), connection, { ...query, cursor });
    pages.push(answer);
    if (answer.body.next === null) return pages;
    cursor = answer.body.next;
  }
  throw new Error('the list never ended');
}

const SEVEN = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('live lists', () => {
  test('a page never holds more than limit, even from a provider that sends more; the cursor goes on inside its page', async () => {
    const world = lookupWorld();
    world.books.pageSize = 5;
    world.books.put(...SEVEN.map((id) => providerInvoice(id)));

    const pages = await allPages(world, 'books', live({ limit: 2 }));

    expect(pages.map((page) => page.body.invoices.length)).toEqual([2, 2, 1, 2]);
    expect(pages.flatMap((page) => page.body.invoices.map((invoice) => invoice.remoteId))).toEqual(SEVEN);
    expect(pages.every((page) => page.source === 'live')).toBe(true);
  });

  test('a status filter may answer fewer than limit while it goes on, and skips nothing', async () => {
    const world = lookupWorld();
    world.books.pageSize = 3;
    world.books.put(
      ...SEVEN.map((id, index) => providerInvoice(id, { status: index % 3 === 0 ? 'PAID' : 'OPEN' })),
    );

    const pages = await allPages(world, 'books', live({ limit: 2, statuses: ['PAID'] }));

    expect(pages.flatMap((page) => page.body.invoices.map((invoice) => invoice.remoteId))).toEqual([
      'a',
      'd',
      'g',
    ]);
    expect(pages.every((page) => page.body.invoices.length <= 2)).toBe(true);
  });

  test('unreadable records are counted as skipped once per provider page', async () => {
    const world = lookupWorld();
    world.books.pageSize = 5;
    world.books.put(...SEVEN.map((id) => providerInvoice(id)));
    world.books.unreadable.add('b');

    const pages = await allPages(world, 'books', live({ limit: 2 }));

    expect(pages.map((page) => page.body.skipped)).toEqual([1, 0, 0]);
    expect(pages.flatMap((page) => page.body.invoices.map((invoice) => invoice.remoteId))).not.toContain('b');
  });

  test('a cursor is refused with another connection, tenant or filter, and when edited', async () => {
    const world = lookupWorld();
    world.books.put(...SEVEN.map((id) => providerInvoice(id)));
    world.ledger.put(...SEVEN.map((id) => providerInvoice(id)));
    const first = await world.service.listInvoices(principal(), 'books', live());
    const cursor = first.body.next ?? '';

    const misuses = [
      world.service.listInvoices(principal(), 'ledger', live({ cursor })),
      world.service.listInvoices(principal({ tenant: 'globex' }), 'books', live({ cursor })),
      world.service.listInvoices(principal(), 'books', live({ cursor, statuses: ['PAID'] })),
      world.service.listInvoices(principal(), 'books', live({ cursor: `${cursor.slice(0, -2)}xx` })),
    ];

    for (const misuse of misuses) expect(await rejection(misuse)).toMatchObject({ parameter: 'cursor' });
  });
});

describe('answers while a provider is down', () => {
  test.each([
    ['unavailable', new UpstreamUnavailable('fake', 'answered 503')],
    ['timing out', new UpstreamTimeout('fake', 5000)],
    ['rate limiting', new RateLimited('fake', 30)],
  ])('source=auto answers from the snapshot store when the provider is %s', async (_case, failure) => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1'), providerInvoice('s2')], 90_000);
    world.books.failure = failure;

    const answer = await world.service.listInvoices(
      principal(),
      'books',
      live({ source: 'auto', limit: 10 }),
    );

    expect(answer.source).toBe('snapshot');
    expect(answer.ageSeconds).toBe(90);
    expect(answer.body.invoices.map((invoice) => invoice.remoteId)).toEqual(['s1', 's2']);
  });

  test('source=auto does not stand in for a provider that answered wrongly', async () => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1')]);
    world.books.failure = new MalformedResponse('fake', 'items: is not an array');

    const error = await rejection(world.service.listInvoices(principal(), 'books', live({ source: 'auto' })));

    expect(error).toBeInstanceOf(MalformedResponse);
  });

  test('source=live reports the outage; a live cursor cannot be continued from the store', async () => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1')]);
    world.books.put(...SEVEN.map((id) => providerInvoice(id)));
    const first = await world.service.listInvoices(principal(), 'books', live({ source: 'auto' }));
    world.books.down = true;

    const liveError = await rejection(world.service.listInvoices(principal(), 'books', live()));
    const continued = await rejection(
      world.service.listInvoices(
        principal(),
        'books',
        live({ source: 'auto', cursor: first.body.next ?? '' }),
      ),
    );

    expect(first.source).toBe('live');
    expect(liveError).toBeInstanceOf(UpstreamUnavailable);
    expect(continued).toBeInstanceOf(UpstreamUnavailable);
  });

  test('an auto read that began in the store goes on in the store, even once the provider is back', async () => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1'), providerInvoice('s2'), providerInvoice('s3')]);
    world.books.put(providerInvoice('live-only'));
    world.books.down = true;
    const first = await world.service.listInvoices(principal(), 'books', live({ source: 'auto', limit: 2 }));
    world.books.down = false;

    const second = await world.service.listInvoices(
      principal(),
      'books',
      live({ source: 'auto', limit: 2, cursor: first.body.next ?? '' }),
    );

    expect(second.source).toBe('snapshot');
    expect([...first.body.invoices, ...second.body.invoices].map((invoice) => invoice.remoteId)).toEqual([
      's1',
      's2',
      's3',
    ]);
    expect(world.books.calls.filter((call) => call.operation === 'list')).toHaveLength(1);
  });

  test('a single invoice falls back to the store too, with its age', async () => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1')], 30_000);
    world.books.down = true;

    const answer = await world.service.getInvoice(principal(), 'books', 's1', {
      includeRaw: false,
      source: 'auto',
    });

    expect(answer).toMatchObject({
      source: 'snapshot',
      ageSeconds: 30,
      body: { remoteId: 's1', snapshot: { version: 1 } },
    });
  });
});

describe('answers from the snapshot store', () => {
  test('source=snapshot pages through the store without calling the provider', async () => {
    const world = lookupWorld();
    await world.snapshotted('books', [providerInvoice('s1'), providerInvoice('s2'), providerInvoice('s3')]);

    const pages = await allPages(world, 'books', live({ source: 'snapshot', limit: 2 }));

    expect(pages.flatMap((page) => page.body.invoices.map((invoice) => invoice.remoteId))).toEqual([
      's1',
      's2',
      's3',
    ]);
    expect(pages.every((page) => page.source === 'snapshot')).toBe(true);
    expect(world.books.calls).toEqual([]);
  });

  test('updatedSince and includeGone apply to the store only: on a live read they are a 400', async () => {
    const world = lookupWorld();

    const since = await rejection(
      world.service.listInvoices(principal(), 'books', live({ updatedSince: '2026-01-01T00:00:00Z' })),
    );
    const gone = await rejection(
      world.service.listInvoices(principal(), 'books', live({ source: 'auto', includeGone: true })),
    );

    expect(since).toMatchObject({ parameter: 'updatedSince' });
    expect(gone).toMatchObject({ parameter: 'includeGone' });
  });

  test('the provider’s raw record is not in the store; an unknown invoice or order is 404', async () => {
    const world = lookupWorld();

    const raw = await rejection(
      world.service.getInvoice(principal(), 'books', 's1', { includeRaw: true, source: 'snapshot' }),
    );
    const invoice = await rejection(
      world.service.getInvoice(principal(), 'books', 's1', { includeRaw: false, source: 'snapshot' }),
    );
    const order = await rejection(world.service.orderInvoices(principal(), 'orders', 'ord-1', 'snapshot'));

    expect(raw).toBeInstanceOf(InvalidInput);
    expect(invoice).toBeInstanceOf(NotFound);
    expect(order).toBeInstanceOf(NotFound);
  });

  test("an order's invoices come from the store for a provider that cannot list", async () => {
    const world = lookupWorld();
    await world.snapshotted('orders', [
      providerInvoice('o2', { orderIds: ['ord-1'] }),
      providerInvoice('o1', { orderIds: ['ord-1'] }),
    ]);

    const answer = await world.service.orderInvoices(principal(), 'orders', 'ord-1', 'snapshot');

    expect(answer.body.invoices.map((invoice) => invoice.remoteId)).toEqual(['o1', 'o2']);
    expect(world.orders.calls).toEqual([]);
  });
});

describe('single invoices and orders, live', () => {
  test('an invoice is found by the provider’s id or by its canonical id; a malformed id is refused before any call', async () => {
    const world = lookupWorld();
    world.books.put(providerInvoice('a'));

    const byRemote = await world.service.getInvoice(principal(), 'books', 'a', {
      includeRaw: false,
      source: 'live',
    });
    const byCanonical = await world.service.getInvoice(principal(), 'books', invoiceId('books', 'a'), {
      includeRaw: true,
      source: 'live',
    });
    const malformed = await rejection(
      world.service.getInvoice(principal(), 'books', 'not/an/id', { includeRaw: false, source: 'live' }),
    );

    expect(byRemote.body.remoteId).toBe('a');
    expect(byCanonical.body).toMatchObject({ remoteId: 'a', raw: { id: 'a' } });
    expect(malformed).toMatchObject({ parameter: 'invoiceId' });
    expect(world.books.calls).toHaveLength(2);
  });

  test('what the API returns of a provider without a list is watched for the tenant; of a listed one, not', async () => {
    const world = lookupWorld();
    world.orders.put(providerInvoice('o1', { orderIds: ['ord-7'] }));
    world.books.put(providerInvoice('b1'));

    await world.service.getInvoice(principal(), 'orders', 'o1', { includeRaw: false, source: 'live' });
    await world.service.orderInvoices(principal(), 'orders', 'ord-7', 'live');
    await world.service.getInvoice(principal(), 'books', 'b1', { includeRaw: false, source: 'live' });

    expect((await world.watchStore.page('orders', null, 10)).watches.map((watch) => watch.key)).toEqual([
      'invoice#o1',
      'order#ord-7',
    ]);
    expect(world.watchStore.holders('orders', { kind: 'invoice', id: 'o1', key: 'invoice#o1' })).toEqual([
      'acme',
    ]);
    expect((await world.watchStore.page('books', null, 10)).watches).toEqual([]);
  });

  test('an operation the provider does not offer is refused as such', async () => {
    const world = lookupWorld();

    const listing = await rejection(world.service.listInvoices(principal(), 'orders', live()));
    const order = await rejection(world.service.orderInvoices(principal(), 'books', 'ord-1', 'live'));

    expect(listing).toBeInstanceOf(OperationNotSupported);
    expect(order).toBeInstanceOf(OperationNotSupported);
  });
});

describe('access', () => {
  test('a connection the key may not use is answered exactly like one that does not exist', async () => {
    const world = lookupWorld();
    world.books.put(providerInvoice('a'));
    const booksOnly = principal({ connections: ['books'] });

    const forbidden = await rejection(world.service.listInvoices(booksOnly, 'ledger', live()));
    const missing = await rejection(world.service.listInvoices(booksOnly, 'nowhere', live()));

    expect(forbidden).toBeInstanceOf(NotFound);
    expect(missing).toBeInstanceOf(NotFound);
    expect(forbidden).toMatchObject({ message: (missing as Error).message });
    expect(world.ledger.calls).toEqual([]);
  });

  test('the connection list shows only what the key may use, with its operations', () => {
    const world = lookupWorld();

    const listed = world.service.listConnections(principal({ connections: ['books', 'orders'] }));

    expect(listed).toEqual([
      { id: 'books', provider: 'fake', operations: ['list', 'get', 'document'] },
      { id: 'orders', provider: 'fake-orders', operations: ['get', 'order-invoices', 'document'] },
    ]);
  });
});
