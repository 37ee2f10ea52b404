import { describe, expect, test } from 'vitest';
import { DynamoEndpointStore } from '../../../shared/webhooks/dynamo-endpoint-store.ts';
import type { EndpointStore } from '../../../shared/webhooks/endpoint-store.ts';
import type { EndpointRecord } from '../../../shared/webhooks/webhook.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { MemoryEndpointStore } from '../../support/fakes/memory-endpoint-store.ts';

/**
 * The endpoint store's contract (endpoint-store.ts): ids taken once, a replace that holds only on
 * the record it was computed from, routes that follow what an endpoint receives, health written
 * apart. Run against the in-memory fake and the DynamoDB store.
 */

const dynamo = useDynamoTable();

const implementations: Array<[string, () => EndpointStore]> = [
  ['in memory', () => new MemoryEndpointStore()],
  [`DynamoDB (${peerName})`, () => new DynamoEndpointStore(dynamo.table())],
];

function endpoint(tenant: string, id: string, fields: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id,
    tenant,
    url: 'https://hooks.example/in',
    filter: {},
    connections: ['books'],
    ownerKeyId: 'key_1',
    description: null,
    enabled: true,
    disabledReason: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    secrets: { current: 'whsec_c2VjcmV0', previous: [] },
    failingSince: null,
    ...fields,
  };
}

const routedIds = async (store: EndpointStore, connections: string[], tenant: string) =>
  (await store.routed(connections))
    .filter((ref) => ref.tenant === tenant)
    .map((ref) => ref.endpointId)
    .sort();

describe.each(implementations)('the endpoint store contract, %s', (_name, make) => {
  test('an endpoint id is taken once', async () => {
    const store = make();
    const tenant = unique('tenant');

    const outcomes = [
      await store.create(endpoint(tenant, 'wh_1')),
      await store.create(endpoint(tenant, 'wh_1')),
    ];

    expect(outcomes).toEqual([true, false]);
  });

  test('a replace holds only on the record it was computed from', async () => {
    const store = make();
    const tenant = unique('tenant');
    const original = endpoint(tenant, 'wh_1');
    await store.create(original);
    const first = { ...original, description: 'first', updatedAt: '2026-01-02T00:00:00.000Z' };
    const second = { ...original, description: 'second', updatedAt: '2026-01-03T00:00:00.000Z' };

    const outcomes = [await store.replace(first, original), await store.replace(second, original)];

    expect(outcomes).toEqual([true, false]);
    expect((await store.get(tenant, 'wh_1'))?.description).toBe('first');
  });

  test('a deleted endpoint is not replaced, and deleting it again answers null', async () => {
    const store = make();
    const tenant = unique('tenant');
    const original = endpoint(tenant, 'wh_1');
    await store.create(original);

    const deleted = await store.delete(tenant, 'wh_1');
    const replaced = await store.replace({ ...original, updatedAt: '2026-02-01T00:00:00.000Z' }, original);

    expect(deleted?.id).toBe('wh_1');
    expect(replaced).toBe(false);
    expect(await store.delete(tenant, 'wh_1')).toBeNull();
    expect(await store.get(tenant, 'wh_1')).toBeNull();
  });

  test('routes follow the connections an endpoint receives, and go with it when deleted', async () => {
    const store = make();
    const tenant = unique('tenant');
    const [books, ledger] = [unique('books'), unique('ledger')];
    const original = endpoint(tenant, 'wh_r', { connections: [books] });
    await store.create(original);
    await store.create(endpoint(tenant, 'wh_all', { connections: '*' }));

    const before = await routedIds(store, [ledger], tenant);
    await store.replace(
      { ...original, connections: [ledger], updatedAt: '2026-01-05T00:00:00.000Z' },
      original,
    );
    const afterMove = [await routedIds(store, [books], tenant), await routedIds(store, [ledger], tenant)];
    await store.delete(tenant, 'wh_r');
    const afterDelete = await routedIds(store, [ledger], tenant);

    expect(before).toEqual(['wh_all']);
    expect(afterMove).toEqual([['wh_all'], ['wh_all', 'wh_r']]);
    expect(afterDelete).toEqual(['wh_all']);
  });

  test('a replace keeps the health the relay set after the read, unless it changes health itself', async () => {
    const store = make();
    const tenant = unique('tenant');
    const read = endpoint(tenant, 'wh_a');
    await store.create(read);
    // The relay disables it (a 410) while an API call, working from `read`, changes its description.
    await store.setHealth(tenant, 'wh_a', {
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    const described = { ...read, description: 'books', updatedAt: '2026-01-02T00:00:00.000Z' };
    expect(await store.replace(described, read)).toBe(true);
    expect(await store.get(tenant, 'wh_a')).toMatchObject({
      description: 'books',
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    // Re-enabling is a change of health: it is written.
    const current = (await store.get(tenant, 'wh_a')) as EndpointRecord;
    const enabled = {
      ...current,
      enabled: true,
      disabledReason: null,
      updatedAt: '2026-01-03T00:00:00.000Z',
    };
    expect(await store.replace(enabled, current)).toBe(true);
    expect(await store.get(tenant, 'wh_a')).toMatchObject({ enabled: true, disabledReason: null });
  });

  test('health is written apart from the record; a tenant lists only its own endpoints', async () => {
    const store = make();
    const [tenant, other] = [unique('tenant'), unique('tenant')];
    await store.create(endpoint(tenant, 'wh_b'));
    await store.create(endpoint(tenant, 'wh_a'));
    await store.create(endpoint(other, 'wh_c'));

    await store.setHealth(tenant, 'wh_a', { failingSince: '2026-01-09T00:00:00.000Z' });
    await store.setHealth(tenant, 'wh_b', {
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    await store.setHealth(tenant, 'wh_missing', { failingSince: null });

    const listed = await store.list(tenant);
    expect(
      listed.map((entry) => [entry.id, entry.enabled, entry.disabledReason, entry.failingSince]),
    ).toEqual([
      ['wh_a', true, null, '2026-01-09T00:00:00.000Z'],
      ['wh_b', false, 'the endpoint answered 410 Gone', null],
    ]);
    expect(await store.get(tenant, 'wh_missing')).toBeNull();
    const many = await store.getMany([
      { tenant, endpointId: 'wh_a' },
      { tenant: other, endpointId: 'wh_c' },
      { tenant, endpointId: 'wh_missing' },
    ]);
    expect(many.map((entry) => entry.id).sort()).toEqual(['wh_a', 'wh_c']);
  });
});
