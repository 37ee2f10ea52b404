import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDeliveryClient } from '../../../shared/webhooks/delivery-client.ts';
import { DeliveryWorker } from '../../../shared/webhooks/delivery-worker.ts';
import { deliveryIdFor } from '../../../shared/webhooks/fan-out.ts';
import type { DeliveryMessage, RecoverJob, RelayQueue } from '../../../shared/webhooks/relay-queue.ts';
import type { EndpointRecord } from '../../../shared/webhooks/webhook.ts';
import { WebhookStore } from '../../../shared/webhooks/webhook-store.ts';
import { type DynamoPeer, startDynamoPeer } from '../../support/dynamo-peer.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';

/**
 * The delivery worker against a real store (dynalite) and real HTTP, with the clock and the
 * resolver in the test's hands: DNS rebinding, the dead letter after the last attempt, and an
 * endpoint disabled after failing for days.
 */

let peer: DynamoPeer;
let store: WebhookStore;
let receiver: Receiver;
beforeAll(async () => {
  peer = await startDynamoPeer();
  store = new WebhookStore(peer.client, peer.table);
  receiver = await startReceiver((request, response) =>
    response.writeHead(request.path === '/fails' ? 503 : 204).end(),
  );
});
afterAll(async () => {
  await receiver.close();
  await peer.stop();
});

class RecordingQueue implements RelayQueue {
  delivered: Array<{ message: DeliveryMessage; delay: number }> = [];
  dead: DeliveryMessage[] = [];
  async deliver(messages: readonly DeliveryMessage[], delay = 0) {
    for (const message of messages) this.delivered.push({ message, delay });
  }
  async deadLetter(message: DeliveryMessage) {
    this.dead.push(message);
  }
  async recover(_job: RecoverJob) {}
}

let endpoints = 0;
async function endpointAt(url: string, overrides: Partial<EndpointRecord> = {}): Promise<EndpointRecord> {
  const record: EndpointRecord = {
    id: `wh_${String(endpoints++).padStart(16, '0')}`,
    tenant: 'acme',
    url,
    filter: {},
    description: null,
    enabled: true,
    disabledReason: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    allowedConnections: '*',
    secrets: { current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previous: null, previousUntil: null },
    failingSince: null,
    ...overrides,
  };
  await store.saveEndpoint(record, 'create');
  return record;
}

async function deliveryFor(endpoint: EndpointRecord): Promise<DeliveryMessage> {
  const deliveryId = deliveryIdFor(endpoint.id, 'evt_1');
  await store.createDelivery({
    deliveryId,
    endpointId: endpoint.id,
    eventId: 'evt_1',
    eventType: 'webhook.test',
    body: '{"id":"evt_1"}',
    generation: 1,
    status: 'pending',
    attempts: 0,
    createdAt: '2026-01-01T00:00:00Z',
    lastAttemptAt: null,
  });
  return { deliveryId, endpointId: endpoint.id, tenant: 'acme', generation: 1, attempt: 1, notBefore: 0 };
}

function worker(
  queue: RelayQueue,
  options: { resolve?: (host: string) => string; clock?: () => number; schedule?: number[] } = {},
) {
  return new DeliveryWorker({
    store,
    queue,
    client: createDeliveryClient({
      policy: { allowPrivate: false },
      resolver: async (host) => [{ address: options.resolve?.(host) ?? '127.0.0.1', family: 4 }],
      timeoutMs: 2000,
    }),
    options: { schedule: options.schedule ?? [0, 1, 1], ratePerSecond: 1000, disableAfterMs: 5 * 86_400_000 },
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

describe('delivery worker', () => {
  test('DNS rebinding: a name that was public at registration and is private at delivery is never dialled', async () => {
    const port = new URL(receiver.url).port;
    const endpoint = await endpointAt(`https://rebind.example.com:${port}/hook`);
    const queue = new RecordingQueue();
    const before = receiver.received.length;
    await worker(queue, { resolve: () => '127.0.0.1' }).handle(await deliveryFor(endpoint));
    expect(receiver.received.length).toBe(before);
    const { attempts } = await store.attempts(endpoint.id, 10, null);
    expect(attempts[0]).toMatchObject({ outcome: 'refused', statusCode: null });
    expect(attempts[0]?.error).toMatch(/loopback/);
    expect(queue.delivered).toHaveLength(1); // refused is retried: the name may point elsewhere later
  });

  test('after the last scheduled attempt the delivery is dead-lettered', async () => {
    const endpoint = await endpointAt(`${receiver.url.replace('127.0.0.1', 'localhost')}/fails`);
    const queue = new RecordingQueue();
    const relay = new DeliveryWorker({
      store,
      queue,
      client: createDeliveryClient({ policy: { allowPrivate: true }, timeoutMs: 2000 }),
      options: { schedule: [0, 0, 0], ratePerSecond: 1000, disableAfterMs: 5 * 86_400_000 },
    });
    let message = await deliveryFor(endpoint);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await relay.handle(message);
      const next = queue.delivered.at(-1)?.message;
      if (attempt < 3) {
        expect(next?.attempt).toBe(attempt + 1);
        message = next ?? message;
      }
    }
    expect(queue.dead).toEqual([message]);
    expect((await store.delivery(endpoint.id, message.deliveryId))?.status).toBe('dead');
  });

  test('an endpoint failing without a success for longer than allowed is disabled', async () => {
    const endpoint = await endpointAt(`${receiver.url}/fails`, { failingSince: '2026-01-01T00:00:00Z' });
    const queue = new RecordingQueue();
    const relay = new DeliveryWorker({
      store,
      queue,
      client: createDeliveryClient({ policy: { allowPrivate: true }, timeoutMs: 2000 }),
      options: { schedule: [0, 1, 1], ratePerSecond: 1000, disableAfterMs: 5 * 86_400_000 },
      clock: () => Date.parse('2026-01-07T00:00:00Z'),
    });
    await relay.handle(await deliveryFor(endpoint));
    expect(await store.endpoint('acme', endpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('2026-01-01'),
    });
  });
});
