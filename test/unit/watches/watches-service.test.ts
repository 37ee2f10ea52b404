import { describe, expect, test } from 'vitest';
import { Conflict, InvalidInput, NotFound } from '../../../shared/errors.ts';
import { invoiceId } from '../../../shared/invoice/invoice-id.ts';
import { lookupWorld, principal, providerInvoice, WATCH_QUOTA } from '../../support/fakes/lookup-world.ts';

/** The watch API: a watch is the tenant's, exists upstream, and fits its quota. */

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}

function watchWorld() {
  const world = lookupWorld();
  world.orders.put(
    ...['o1', 'o2', 'o3', 'o4'].map((id) => providerInvoice(id)),
    providerInvoice('o5', { orderIds: ['ord-1'] }),
  );
  return world;
}

const keys = (world: ReturnType<typeof watchWorld>) =>
  world.watchStore.page('orders', null, 100).then((page) => page.watches.map((watch) => watch.key));

describe('watching invoices and orders', () => {
  test('a watch is added once the provider confirms the invoice or order exists', async () => {
    const world = watchWorld();

    await world.watches.watch(principal(), 'orders', 'invoice', 'o1', true);
    await world.watches.watch(principal(), 'orders', 'order', 'ord-1', true);

    expect(await keys(world)).toEqual(['invoice#o1', 'order#ord-1']);
    expect(world.orders.calls).toEqual([
      { operation: 'get', remoteId: 'o1' },
      { operation: 'order-invoices', orderId: 'ord-1' },
    ]);
  });

  test('an invoice the provider does not know is not watched, and costs no slot', async () => {
    const world = watchWorld();

    const error = await rejection(world.watches.watch(principal(), 'orders', 'invoice', 'made-up', true));

    expect(error).toBeInstanceOf(NotFound);
    expect(await keys(world)).toEqual([]);
    expect(await world.watchStore.count('acme', 'orders')).toBe(0);
  });

  test(`a tenant watches at most ${WATCH_QUOTA} invoices and orders per connection; one it holds is still fine`, async () => {
    const world = watchWorld();
    for (const id of ['o1', 'o2', 'o3'])
      await world.watches.watch(principal(), 'orders', 'invoice', id, true);

    const over = await rejection(world.watches.watch(principal(), 'orders', 'invoice', 'o4', true));
    await world.watches.watch(principal(), 'orders', 'invoice', 'o1', true);
    await world.watches.watch(principal(), 'orders', 'invoice', 'o1', false);
    await world.watches.watch(principal(), 'orders', 'invoice', 'o4', true);

    expect(over).toBeInstanceOf(Conflict);
    expect(over).toMatchObject({ kind: 'quota-exceeded' });
    expect(await keys(world)).toEqual(['invoice#o2', 'invoice#o3', 'invoice#o4']);
  });

  test("tenants are isolated: one tenant's quota and unwatching leave another's watches alone", async () => {
    const world = watchWorld();
    const acme = principal();
    const globex = principal({ tenant: 'globex', keyId: 'key_2' });
    for (const id of ['o1', 'o2', 'o3']) await world.watches.watch(acme, 'orders', 'invoice', id, true);

    await world.watches.watch(globex, 'orders', 'invoice', 'o1', true);
    await world.watches.watch(acme, 'orders', 'invoice', 'o1', false);

    expect(world.watchStore.holders('orders', { kind: 'invoice', id: 'o1', key: 'invoice#o1' })).toEqual([
      'globex',
    ]);
    expect(await world.watchStore.count('globex', 'orders')).toBe(1);
    expect(await world.watchStore.count('acme', 'orders')).toBe(2);
  });

  test('a canonical invoice id is watched under the provider’s id; malformed ids are refused before any call', async () => {
    const world = watchWorld();

    await world.watches.watch(principal(), 'orders', 'invoice', invoiceId('orders', 'o2'), true);
    const badInvoice = await rejection(
      world.watches.watch(principal(), 'orders', 'invoice', 'not/an/id', true),
    );
    const badOrder = await rejection(world.watches.watch(principal(), 'orders', 'order', 'no-prefix', true));

    expect(await keys(world)).toEqual(['invoice#o2']);
    expect(badInvoice).toMatchObject({ parameter: 'invoiceId' });
    expect(badOrder).toMatchObject({ parameter: 'orderId' });
    expect(world.orders.calls).toHaveLength(1);
  });

  test('a provider with a list takes no watches; a connection the key may not use does not exist', async () => {
    const world = watchWorld();

    const listed = await rejection(world.watches.watch(principal(), 'books', 'invoice', 'a', true));
    const hidden = await rejection(
      world.watches.watch(principal({ connections: ['books'] }), 'orders', 'invoice', 'o1', true),
    );

    expect(listed).toBeInstanceOf(InvalidInput);
    expect(listed).toMatchObject({ parameter: 'connection' });
    expect(hidden).toBeInstanceOf(NotFound);
  });

  test('automatic watches stop silently at the quota', async () => {
    const world = watchWorld();
    for (const id of ['o1', 'o2', 'o3', 'o4']) await world.watches.watchInvoice('acme', 'orders', id);

    await world.watches.watchOrder('acme', 'orders', 'ord-1');

    expect(await keys(world)).toEqual(['invoice#o1', 'invoice#o2', 'invoice#o3']);
  });
});
