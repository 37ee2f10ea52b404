import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Table } from '../../../shared/storage/dynamo.ts';
import { DUE_SHARDS } from '../../../shared/storage/keys.ts';
import type { DeliveryAttempt } from '../../../shared/webhooks/delivery-store.ts';
import { DynamoDeliveryStore } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { deliveryIdFor } from '../../../shared/webhooks/fan-out.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { registerWebhook } from '../../support/webhooks.ts';

/**
 * Nothing a relay handles is lost: many deliveries to one rate-limited endpoint, handled by
 * pollers running at once in one process (the finding: batches reporting each other's failures
 * deleted deferred messages), a delivery whose message was lost, and rotations in quick
 * succession. Real local runtime, real SQS (fauxqs), a receiver on loopback.
 */

let api: LocalApi;
let receiver: Receiver;
let deliveries: DynamoDeliveryStore;

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    reconcileIntervalSeconds: 0,
    allowPrivateWebhookTargets: true,
    sandboxSize: 60,
    functionSettings: {
      // Deferrals by the dozen: ten sends a second to one endpoint.
      WEBHOOK_RATE_LIMIT_PER_SECOND: 10,
      WEBHOOK_RECOVER_COOLDOWN_MINUTES: 60,
      WEBHOOK_RECONCILE_GRACE_MINUTES: 0.001,
    },
  });
  deliveries = new DynamoDeliveryStore(new Table(api.runtime.dynamo.client, api.runtime.tableName));
  await api.runtime.snapshotNow(); // discover everything before any endpoint exists
  await api.runtime.settle();
}, 120_000);

afterAll(async () => {
  await api.stop();
  await receiver.close();
});

function register(path: string, filter: Record<string, unknown> = {}) {
  return registerWebhook(api, `${receiver.url}${path}`, filter);
}

async function messagesIn(url: string): Promise<number> {
  const { Attributes } = await api.runtime.messaging.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function pendingDeliveries(): Promise<number> {
  let pending = 0;
  const far = new Date(Date.now() + 86_400_000).toISOString();
  for (let shard = 0; shard < DUE_SHARDS; shard++) pending += (await deliveries.due(shard, far, 1000)).length;
  return pending;
}

describe('the relay loses nothing', () => {
  test('a recover of the whole log to one rate-limited endpoint delivers every event, none left pending or dead-lettered', async () => {
    const endpoint = await register('/backlog', { connections: ['carbonext', 'packcloud'] });
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the log shows settled events
    await api.json(`/v1/webhooks/${endpoint.id}/recover`, 202, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ since: '2020-01-01T00:00:00Z' }),
    });
    await api.runtime.settle();
    const ids = receiver.received
      .filter((request) => request.path === '/backlog')
      .map((r) => r.headers['webhook-id']);
    // Every discovered invoice of the two connections, each once.
    expect(ids.length).toBe(120);
    expect(new Set(ids).size).toBe(120);
    expect(await pendingDeliveries()).toBe(0);
    expect(await messagesIn(api.runtime.messaging.deliveryQueue.deadLetterUrl)).toBe(0);
    // A second recover within the cooldown is refused with Retry-After, and queues nothing.
    const again = await api.call(`/v1/webhooks/${endpoint.id}/recover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ since: '2020-01-01T00:00:00Z' }),
    });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 120_000);

  test('a pending delivery whose message was lost is queued again by the reconciler and delivered', async () => {
    const endpoint = await register('/lost');
    const deliveryId = deliveryIdFor(endpoint.id, 'evt_lost_message');
    const past = new Date(Date.now() - 60_000).toISOString();
    // Stored, but its message never made it to the queue (a crash between the two writes).
    await deliveries.create(
      {
        deliveryId,
        endpointId: endpoint.id,
        tenant: 'local',
        eventId: 'evt_lost_message',
        eventType: 'webhook.test',
        connection: null,
        body: JSON.stringify({ id: 'evt_lost_message', type: 'webhook.test' }),
        generation: 1,
        status: 'pending',
        attempts: 0,
        createdAt: past,
        lastAttemptAt: null,
        dueAt: past,
        requeues: 0,
        correlationId: null,
      },
      Date.now(),
    );
    await api.runtime.settle();
    expect(receiver.received.filter((request) => request.path === '/lost')).toHaveLength(0);
    await api.runtime.reconcileNow();
    await api.runtime.settle();
    const arrived = receiver.received.filter((request) => request.path === '/lost');
    expect(arrived.map((request) => request.headers['webhook-id'])).toEqual(['evt_lost_message']);
    expect((await deliveries.get(endpoint.id, deliveryId))?.status).toBe('delivered');
  });

  test('two rotations within a day: every replaced secret still signs, each verifies on its own', async () => {
    const endpoint = await register('/rotated-twice');
    const rotate = () =>
      api.json<{ secret: string; previousSecretValidUntil: string }>(
        `/v1/webhooks/${endpoint.id}/rotate-secret`,
        200,
        { method: 'POST' },
      );
    const second = await rotate();
    const third = await rotate();
    await api.json(`/v1/webhooks/${endpoint.id}/test`, 202, { method: 'POST' });
    await api.runtime.settle();
    const [delivery] = receiver.received.filter((request) => request.path === '/rotated-twice');
    expect(String(delivery?.headers['webhook-signature']).split(' ')).toHaveLength(3);
    for (const secret of [endpoint.secret, second.secret, third.secret]) {
      expect(
        new Webhook(secret).verify(delivery?.body ?? '', delivery?.headers as Record<string, string>),
      ).toMatchObject({
        type: 'webhook.test',
      });
    }
    const { attempts } = await api.json<{ attempts: DeliveryAttempt[] }>(
      `/v1/webhooks/${endpoint.id}/deliveries`,
    );
    expect(attempts[0]).toMatchObject({ outcome: 'delivered', nextAttemptAt: null });
  });
});
