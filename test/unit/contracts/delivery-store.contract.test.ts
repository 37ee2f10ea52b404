import { describe, expect, test } from 'vitest';
import { DUE_SHARDS } from '../../../shared/storage/keys.ts';
import type {
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryStore,
} from '../../../shared/webhooks/delivery-store.ts';
import { DynamoDeliveryStore, dueShard } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { MemoryDeliveryStore } from '../../support/fakes/memory-delivery-store.ts';

/**
 * The delivery store's contract (delivery-store.ts): created once, replaced only at the generation
 * read, restarted as a new generation, listed as due while pending; attempts newest first; rate
 * windows and recover cooldowns. Run against the in-memory fake and the DynamoDB store.
 */

const dynamo = useDynamoTable();

const implementations: Array<[string, () => DeliveryStore]> = [
  ['in memory', () => new MemoryDeliveryStore()],
  [`DynamoDB (${peerName})`, () => new DynamoDeliveryStore(dynamo.table())],
];

const NOW = Date.parse('2026-04-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

function delivery(
  endpointId: string,
  deliveryId: string,
  fields: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  return {
    deliveryId,
    endpointId,
    tenant: 'acme',
    eventId: `evt_${deliveryId}`,
    eventType: 'invoice.paid',
    connection: 'books',
    body: `{"id":"evt_${deliveryId}"}`,
    generation: 1,
    status: 'pending',
    attempts: 0,
    createdAt: at(NOW),
    lastAttemptAt: null,
    dueAt: at(NOW),
    requeues: 0,
    correlationId: null,
    ...fields,
  };
}

/** Delivery ids that all fall in one due shard, so that a listing sees them together. */
function idsInOneShard(count: number): string[] {
  const ids: string[] = [];
  const prefix = unique('dlv');
  for (let index = 0; ids.length < count; index++) {
    const id = `${prefix}-${index}`;
    if (dueShard(id) === 0) ids.push(id);
  }
  return ids;
}

function attempt(deliveryId: string, n: number, ms: number): DeliveryAttempt {
  return {
    deliveryId,
    eventId: `evt_${deliveryId}`,
    eventType: 'invoice.paid',
    attempt: n,
    at: at(ms),
    outcome: 'failed',
    statusCode: 500,
    durationMs: 3,
    responseExcerpt: 'boom',
    error: null,
    nextAttemptAt: null,
  };
}

describe.each(implementations)('the delivery store contract, %s', (_name, make) => {
  test('a delivery is created once; creating it again answers the stored one unchanged', async () => {
    const store = make();
    const endpoint = unique('wh');
    const original = delivery(endpoint, 'd1');

    const first = await store.create(original, NOW);
    const second = await store.create({ ...original, body: 'other bytes', eventId: 'evt_other' }, NOW);

    expect(first).toBe('created');
    expect(second).toEqual(original);
    expect(await store.get(endpoint, 'd1')).toEqual(original);
  });

  test('an update holds only at the generation it was read at', async () => {
    const store = make();
    const endpoint = unique('wh');
    await store.create(delivery(endpoint, 'd2'), NOW);

    const current = await store.update(delivery(endpoint, 'd2', { attempts: 1 }), 1, NOW);
    const stale = await store.update(delivery(endpoint, 'd2', { attempts: 9 }), 2, NOW);

    expect([current, stale]).toEqual([true, false]);
    expect((await store.get(endpoint, 'd2'))?.attempts).toBe(1);
  });

  test('a restart is the next generation, with attempts from zero and due now; the old generation can no longer write', async () => {
    const store = make();
    const endpoint = unique('wh');
    await store.create(
      delivery(endpoint, 'd3', { status: 'dead', attempts: 9, dueAt: null, requeues: 4 }),
      NOW,
    );

    const restarted = await store.restart(delivery(endpoint, 'd3'), NOW + 5000);
    const late = await store.update(delivery(endpoint, 'd3', { status: 'delivered' }), 1, NOW + 6000);

    expect(restarted).toMatchObject({
      generation: 2,
      status: 'pending',
      attempts: 0,
      requeues: 0,
      dueAt: at(NOW + 5000),
    });
    expect(late).toBe(false);
    expect(await store.get(endpoint, 'd3')).toEqual(restarted);
  });

  test('a restart of a delivery that never existed creates it as the first generation', async () => {
    const store = make();
    const endpoint = unique('wh');

    const restarted = await store.restart(delivery(endpoint, 'd4'), NOW);

    expect(restarted.generation).toBe(1);
    expect(await store.get(endpoint, 'd4')).toEqual(restarted);
  });

  test('pending deliveries are due before a time, oldest first; settled ones and later ones are not listed', async () => {
    const store = make();
    const endpoint = unique('wh');
    const [early, late, settled, future] = idsInOneShard(4) as [string, string, string, string];
    await store.create(delivery(endpoint, late, { dueAt: at(NOW + 2000) }), NOW);
    await store.create(delivery(endpoint, early, { dueAt: at(NOW + 1000) }), NOW);
    await store.create(delivery(endpoint, settled, { status: 'delivered', dueAt: null }), NOW);
    await store.create(delivery(endpoint, future, { dueAt: at(NOW + 60_000) }), NOW);

    const due = (await store.due(0, at(NOW + 30_000), 100)).filter((entry) => entry.endpointId === endpoint);
    const firstOnly = (await store.due(0, at(NOW + 1500), 100)).filter(
      (entry) => entry.endpointId === endpoint,
    );

    expect(due.map((entry) => entry.deliveryId)).toEqual([early, late]);
    expect(firstOnly.map((entry) => entry.deliveryId)).toEqual([early]);
  });

  test('a delivery is listed as due only in the shard of its id', async () => {
    const store = make();
    const endpoint = unique('wh');
    const [id] = idsInOneShard(1) as [string];
    await store.create(delivery(endpoint, id, { dueAt: at(NOW) }), NOW);

    const shards = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const listed = (await store.due(shard, at(NOW + 1000), 100)).some(
        (entry) => entry.endpointId === endpoint,
      );
      if (listed) shards.push(shard);
    }

    expect(shards).toEqual([0]);
  });

  test('an update that settles a delivery takes it off the due listing', async () => {
    const store = make();
    const endpoint = unique('wh');
    const [id] = idsInOneShard(1) as [string];
    await store.create(delivery(endpoint, id), NOW);

    await store.update(delivery(endpoint, id, { status: 'delivered', dueAt: null, attempts: 1 }), 1, NOW);

    expect((await store.due(0, at(NOW + 1000), 100)).some((entry) => entry.endpointId === endpoint)).toBe(
      false,
    );
  });

  test('attempts come newest first, a page at a time', async () => {
    const store = make();
    const endpoint = unique('wh');
    for (let n = 1; n <= 3; n++) await store.recordAttempt(endpoint, attempt('d5', n, NOW + n * 1000), NOW);

    const first = await store.attempts(endpoint, 2, null);
    const second = await store.attempts(endpoint, 2, first.next);

    expect(first.attempts.map((entry) => entry.attempt)).toEqual([3, 2]);
    expect(first.next).not.toBeNull();
    expect(second.attempts.map((entry) => entry.attempt)).toEqual([1]);
    expect(second.next).toBeNull();
  });

  test('an endpoint gets so many rate tokens per second, and new ones the next second', async () => {
    const store = make();
    const endpoint = unique('wh');
    const second = Math.floor(NOW / 1000) * 1000;

    const taken = [];
    for (let index = 0; index < 3; index++)
      taken.push(await store.takeRateToken(endpoint, 2, second + index * 100));
    const nextSecond = await store.takeRateToken(endpoint, 2, second + 1000);
    const otherEndpoint = await store.takeRateToken(unique('wh'), 2, second + 300);

    expect(taken).toEqual([true, true, false]);
    expect([nextSecond, otherEndpoint]).toEqual([true, true]);
  });

  test('a recover slot is taken once per cooldown; the refusal says how many seconds remain', async () => {
    const store = make();
    const endpoint = unique('wh');

    const first = await store.takeRecoverSlot(endpoint, 600_000, NOW);
    const soon = await store.takeRecoverSlot(endpoint, 600_000, NOW + 1000);
    const atEnd = await store.takeRecoverSlot(endpoint, 600_000, NOW + 600_000);

    expect(first).toBeNull();
    expect(soon).toBe(599);
    expect(atEnd).toBeNull();
  });
});
