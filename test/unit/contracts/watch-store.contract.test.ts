import { describe, expect, test } from 'vitest';
import { DynamoWatchStore } from '../../../shared/watches/dynamo-watch-store.ts';
import { type WatchKind, type WatchStore, watchKey } from '../../../shared/watches/watch-store.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { MemoryWatchStore } from '../../support/fakes/memory-watch-store.ts';

/**
 * The watch store's contract (watch-store.ts): a quota per tenant and connection, watches owned
 * by their tenant, and pages of distinct watches in key order. Run against the in-memory fake and
 * the DynamoDB store.
 */

const dynamo = useDynamoTable();

const implementations: Array<[string, () => WatchStore]> = [
  ['in memory', () => new MemoryWatchStore()],
  [`DynamoDB (${peerName})`, () => new DynamoWatchStore(dynamo.table())],
];

const watch = (kind: WatchKind, id: string) => ({ kind, id, key: watchKey(kind, id) });

async function allPages(store: WatchStore, connection: string, limit: number) {
  const keys: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await store.page(connection, cursor, limit);
    keys.push(...page.watches.map((entry) => entry.key));
    cursor = page.next;
    if (cursor === null) return keys;
  }
  throw new Error('the watch pages never ended');
}

describe.each(implementations)('the watch store contract, %s', (_name, make) => {
  test('a tenant at its quota gets no new watch, but one it already holds is still fine', async () => {
    const store = make();
    const connection = unique('watch');

    const outcomes = [
      await store.add('t1', connection, watch('invoice', 'a'), 2, 0),
      await store.add('t1', connection, watch('invoice', 'b'), 2, 0),
      await store.add('t1', connection, watch('invoice', 'c'), 2, 0),
      await store.add('t1', connection, watch('invoice', 'a'), 2, 0),
    ];

    expect(outcomes).toEqual(['added', 'added', 'over-quota', 'already-watched']);
    expect(await store.count('t1', connection)).toBe(2);
  });

  test('adding a watch the tenant holds, under its quota, costs no slot', async () => {
    const store = make();
    const connection = unique('watch');
    await store.add('t1', connection, watch('order', 'o1'), 5, 0);

    const again = await store.add('t1', connection, watch('order', 'o1'), 5, 0);

    expect(again).toBe('already-watched');
    expect(await store.count('t1', connection)).toBe(1);
  });

  test('each tenant has its own quota on each connection', async () => {
    const store = make();
    const [connection, other] = [unique('watch'), unique('watch')];
    await store.add('t1', connection, watch('invoice', 'a'), 1, 0);

    const otherTenant = await store.add('t2', connection, watch('invoice', 'a'), 1, 0);
    const otherConnection = await store.add('t1', other, watch('invoice', 'b'), 1, 0);

    expect([otherTenant, otherConnection]).toEqual(['added', 'added']);
  });

  test('removing a watch gives its slot back; removing one the tenant does not hold is false', async () => {
    const store = make();
    const connection = unique('watch');
    await store.add('t1', connection, watch('invoice', 'a'), 1, 0);

    const removed = await store.remove('t1', connection, watch('invoice', 'a'));
    const again = await store.remove('t1', connection, watch('invoice', 'a'));
    const refilled = await store.add('t1', connection, watch('invoice', 'b'), 1, 0);

    expect([removed, again, refilled]).toEqual([true, false, 'added']);
    expect(await store.count('t1', connection)).toBe(1);
  });

  test("a tenant removing its watch leaves another tenant's watch of the same invoice in place", async () => {
    const store = make();
    const connection = unique('watch');
    await store.add('t1', connection, watch('invoice', 'shared'), 10, 0);
    await store.add('t2', connection, watch('invoice', 'shared'), 10, 0);

    await store.remove('t2', connection, watch('invoice', 'shared'));

    expect(await allPages(store, connection, 10)).toEqual(['invoice#shared']);
    expect(await store.count('t2', connection)).toBe(0);
    expect(await store.count('t1', connection)).toBe(1);
  });

  test('pages hold each watch once, whoever holds it, in key order across page boundaries', async () => {
    const store = make();
    const connection = unique('watch');
    for (const id of ['3', '1', '2']) await store.add('t1', connection, watch('order', id), 100, 0);
    for (const id of ['1', '2']) await store.add('t2', connection, watch('order', id), 100, 0);
    await store.add('t3', connection, watch('invoice', '1001'), 100, 0);

    const byOne = await allPages(store, connection, 1);
    const byTwo = await allPages(store, connection, 2);
    const first = await store.page(connection, null, 10);

    const expected = ['invoice#1001', 'order#1', 'order#2', 'order#3'];
    expect(byOne).toEqual(expected);
    expect(byTwo).toEqual(expected);
    expect(first).toMatchObject({ next: null });
    expect(first.watches[1]).toEqual({ kind: 'order', id: '1', key: 'order#1' });
  });
});
