import { describe, expect, test } from 'vitest';
import { DUE_SHARDS } from '../../../shared/storage/keys.ts';
import type { DeliveryRecord } from '../../../shared/webhooks/delivery-store.ts';
import { dueShard } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { DeliveryReconciler } from '../../../shared/webhooks/reconciler.ts';
import { MemoryDeliveryStore } from '../../support/fakes/memory-delivery-store.ts';
import { RecordingRelayQueue } from '../../support/fakes/recording-relay-queue.ts';
import { manualClock } from '../../support/manual-clock.ts';

/** Deliveries whose message was lost are found by their due time and queued again, a bounded number of times. */

const GRACE_MS = 5 * 60_000;

function reconcilerWorld() {
  const clock = manualClock();
  const deliveries = new MemoryDeliveryStore({ clock });
  const queue = new RecordingRelayQueue(clock);
  const reconciler = new DeliveryReconciler({
    deliveries,
    queue,
    clock,
    options: { graceMs: GRACE_MS, maxRequeues: 3 },
  });
  const delivery = (deliveryId: string, fields: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
    deliveryId,
    endpointId: 'wh_1',
    tenant: 'acme',
    eventId: `evt_${deliveryId}`,
    eventType: 'invoice.paid',
    connection: 'books',
    body: '{}',
    generation: 1,
    status: 'pending',
    attempts: 2,
    createdAt: new Date(clock()).toISOString(),
    lastAttemptAt: null,
    dueAt: new Date(clock()).toISOString(),
    requeues: 0,
    correlationId: null,
    ...fields,
  });
  return { clock, deliveries, queue, reconciler, delivery };
}

describe('the delivery reconciler', () => {
  test('a pending delivery still due past the grace period is queued again for its next attempt, and pushed on', async () => {
    const world = reconcilerWorld();
    await world.deliveries.create(world.delivery('lost'), world.clock());
    world.clock.advance(GRACE_MS + 1);

    const first = await world.reconciler.run();
    const second = await world.reconciler.run();

    expect(first).toEqual({ requeued: 1, deadLettered: 0 });
    expect(second).toEqual({ requeued: 0, deadLettered: 0 });
    expect(world.queue.sent.map((entry) => entry.message)).toEqual([
      {
        kind: 'delivery',
        deliveryId: 'lost',
        endpointId: 'wh_1',
        tenant: 'acme',
        generation: 1,
        attempt: 3,
        notBefore: 0,
      },
    ]);
    expect(await world.deliveries.get('wh_1', 'lost')).toMatchObject({
      requeues: 1,
      dueAt: new Date(world.clock() + GRACE_MS).toISOString(),
    });
  });

  test('a delivery within its grace period, or settled, is left alone', async () => {
    const world = reconcilerWorld();
    await world.deliveries.create(world.delivery('recent'), world.clock());
    await world.deliveries.create(
      world.delivery('done', { status: 'delivered', dueAt: null }),
      world.clock(),
    );
    world.clock.advance(GRACE_MS - 1);

    const outcome = await world.reconciler.run();

    expect(outcome).toEqual({ requeued: 0, deadLettered: 0 });
    expect(world.queue.sent).toEqual([]);
  });

  test('a delivery that keeps getting lost is queued again each time it is lost, then dead-lettered at the cap', async () => {
    const world = reconcilerWorld();
    await world.deliveries.create(world.delivery('crashing'), world.clock());
    const outcomes = [];
    world.clock.advance(GRACE_MS + 1);
    for (let round = 0; round < 4; round++) {
      outcomes.push(await world.reconciler.run());
      // Its due time moved one grace period on; it counts as lost again a grace period after that.
      world.clock.advance(2 * GRACE_MS + 1);
    }

    expect(outcomes).toEqual([
      { requeued: 1, deadLettered: 0 },
      { requeued: 1, deadLettered: 0 },
      { requeued: 1, deadLettered: 0 },
      { requeued: 0, deadLettered: 1 },
    ]);
    expect(world.queue.deadLetters).toEqual([
      {
        kind: 'delivery',
        deliveryId: 'crashing',
        endpointId: 'wh_1',
        tenant: 'acme',
        generation: 1,
        attempt: 3,
        notBefore: 0,
      },
    ]);
    expect(await world.deliveries.get('wh_1', 'crashing')).toMatchObject({
      status: 'dead',
      dueAt: null,
      requeues: 3,
    });
    world.clock.advance(GRACE_MS + 1);
    expect(await world.reconciler.run()).toEqual({ requeued: 0, deadLettered: 0 });
  });

  test('lost deliveries are found in every due shard', async () => {
    const world = reconcilerWorld();
    const ids: string[] = [];
    for (let index = 0; new Set(ids.map(dueShard)).size < DUE_SHARDS; index++) ids.push(`dlv_${index}`);
    for (const id of ids) await world.deliveries.create(world.delivery(id), world.clock());
    world.clock.advance(GRACE_MS + 1);

    const outcome = await world.reconciler.run();

    expect(outcome.requeued).toBe(ids.length);
    expect(new Set(world.queue.sent.map((entry) => entry.message.deliveryId))).toEqual(new Set(ids));
  });

  test('a delivery restarted while the reconciler looked at it is not queued: its new generation has a message', async () => {
    const world = reconcilerWorld();
    await world.deliveries.create(world.delivery('restarted'), world.clock());
    world.clock.advance(GRACE_MS + 1);
    const listDue = world.deliveries.due.bind(world.deliveries);
    world.deliveries.due = async (shard, before, limit) => {
      const due = await listDue(shard, before, limit);
      for (const found of due) await world.deliveries.restart(found, world.clock());
      return due;
    };

    const outcome = await world.reconciler.run();

    expect(outcome).toEqual({ requeued: 0, deadLettered: 0 });
    expect(world.queue.sent).toEqual([]);
    expect(await world.deliveries.get('wh_1', 'restarted')).toMatchObject({ generation: 2, requeues: 0 });
  });
  test('a delivery at its requeue cap that was restarted meanwhile is not dead-lettered: its new generation lives on', async () => {
    const world = reconcilerWorld();
    const stuck = world.delivery('stuck', { requeues: 3 });
    await world.deliveries.create(stuck, world.clock());
    world.clock.advance(GRACE_MS + 1);
    // A manual retry lands between the reconciler's read of what is due and its write.
    const due = world.deliveries.due.bind(world.deliveries);
    world.deliveries.due = async (...args) => {
      const found = await due(...args);
      if (found.length > 0) await world.deliveries.restart(stuck, world.clock());
      return found;
    };

    expect(await world.reconciler.run()).toEqual({ requeued: 0, deadLettered: 0 });
    expect(world.queue.deadLetters).toEqual([]);
    expect(await world.deliveries.get('wh_1', 'stuck')).toMatchObject({ generation: 2, status: 'pending' });
  });
});
