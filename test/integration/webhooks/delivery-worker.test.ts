import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DynamoApiKeyAdmin } from '../../../shared/auth/dynamo-api-keys.ts';
import { systemClock } from '../../../shared/clock.ts';
import { Table } from '../../../shared/storage/dynamo.ts';
import { createDeliveryClient } from '../../../shared/webhooks/delivery-client.ts';
import { DeliveryWorker } from '../../../shared/webhooks/delivery-worker.ts';
import { DynamoDeliveryStore } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../../../shared/webhooks/dynamo-endpoint-store.ts';
import { EndpointEligibility } from '../../../shared/webhooks/endpoint-access.ts';
import { deliveryIdFor } from '../../../shared/webhooks/fan-out.ts';
import type { DeliveryMessage, RecoverJob } from '../../../shared/webhooks/relay-messages.ts';
import type { RelayQueue } from '../../../shared/webhooks/relay-queue.ts';
import { endpointContext, FileDataKeys, SecretSealer } from '../../../shared/webhooks/secret-sealing.ts';
import type { EndpointRecord } from '../../../shared/webhooks/webhook.ts';
import { type DynamoPeer, startDynamoPeer } from '../../support/dynamo-peer.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';

/**
 * The delivery worker against real stores (dynalite) and real HTTP, with the clock and the
 * resolver in the test's hands: DNS rebinding, the dead letter after the last attempt, and an
 * endpoint disabled after failing for days.
 */

let peer: DynamoPeer;
let endpoints: DynamoEndpointStore;
let deliveries: DynamoDeliveryStore;
let eligibility: EndpointEligibility;
let sealer: SecretSealer;
let ownerKeyId: string;
let receiver: Receiver;
beforeAll(async () => {
  peer = await startDynamoPeer();
  const table = new Table(peer.client, peer.table);
  endpoints = new DynamoEndpointStore(table);
  deliveries = new DynamoDeliveryStore(table);
  const admin = new DynamoApiKeyAdmin(table, systemClock);
  ownerKeyId = (
    await admin.create({ name: 'owner', tenant: 'acme', connections: '*', scopes: ['webhooks:write'] })
  ).record.keyId;
  eligibility = new EndpointEligibility(admin, systemClock);
  sealer = new SecretSealer(new FileDataKeys(join(mkdtempSync(join(tmpdir(), 'relay-keys-')), 'key')));
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

let count = 0;
async function endpointAt(url: string, overrides: Partial<EndpointRecord> = {}): Promise<EndpointRecord> {
  const id = `wh_${String(count++).padStart(16, '0')}`;
  const record: EndpointRecord = {
    id,
    tenant: 'acme',
    url,
    filter: {},
    connections: '*',
    ownerKeyId,
    description: null,
    enabled: true,
    disabledReason: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    secrets: {
      current: await sealer.seal('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', endpointContext('acme', id)),
      previous: [],
    },
    failingSince: null,
    ...overrides,
  };
  await endpoints.create(record);
  return record;
}

async function deliveryFor(endpoint: EndpointRecord): Promise<DeliveryMessage> {
  const deliveryId = deliveryIdFor(endpoint.id, 'evt_1');
  await deliveries.create(
    {
      deliveryId,
      endpointId: endpoint.id,
      tenant: 'acme',
      eventId: 'evt_1',
      eventType: 'webhook.test',
      connection: null,
      body: '{"id":"evt_1"}',
      generation: 1,
      status: 'pending',
      attempts: 0,
      createdAt: '2026-01-01T00:00:00Z',
      lastAttemptAt: null,
      dueAt: '2026-01-01T00:00:00Z',
      requeues: 0,
      correlationId: null,
    },
    Date.now(),
  );
  return {
    kind: 'delivery',
    deliveryId,
    endpointId: endpoint.id,
    tenant: 'acme',
    generation: 1,
    attempt: 1,
    notBefore: 0,
  };
}

function worker(
  queue: RelayQueue,
  options: {
    resolve?: (host: string) => string;
    clock?: () => number;
    schedule?: number[];
    allowPrivate?: boolean;
  } = {},
) {
  return new DeliveryWorker({
    endpoints,
    deliveries,
    eligibility,
    sealer,
    queue,
    client: createDeliveryClient({
      policy: { allowPrivate: options.allowPrivate ?? false },
      ...(options.resolve === undefined
        ? {}
        : {
            resolver: async (host: string) => [
              { address: options.resolve?.(host) ?? '127.0.0.1', family: 4 },
            ],
          }),
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
    const { attempts } = await deliveries.attempts(endpoint.id, 10, null);
    expect(attempts[0]).toMatchObject({ outcome: 'refused', statusCode: null });
    expect(attempts[0]?.error).toMatch(/loopback/);
    expect(queue.delivered).toHaveLength(1); // refused is retried: the name may point elsewhere later
  });

  test('after the last scheduled attempt the delivery is dead-lettered', async () => {
    const endpoint = await endpointAt(`${receiver.url.replace('127.0.0.1', 'localhost')}/fails`);
    const queue = new RecordingQueue();
    const relay = worker(queue, { allowPrivate: true, schedule: [0, 0, 0] });
    // The first attempt and one retry per schedule entry: four in all.
    let message = await deliveryFor(endpoint);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await relay.handle(message);
      const next = queue.delivered.at(-1)?.message;
      if (attempt < 4) {
        expect(next?.attempt).toBe(attempt + 1);
        message = next ?? message;
      }
    }
    expect(queue.dead).toEqual([message]);
    expect((await deliveries.get(endpoint.id, message.deliveryId))?.status).toBe('dead');
  });

  test('an endpoint failing without a success for longer than allowed is disabled', async () => {
    const endpoint = await endpointAt(`${receiver.url}/fails`, { failingSince: '2026-01-01T00:00:00Z' });
    const queue = new RecordingQueue();
    const relay = worker(queue, { allowPrivate: true, clock: () => Date.parse('2026-01-07T00:00:00Z') });
    await relay.handle(await deliveryFor(endpoint));
    expect(await endpoints.get('acme', endpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('2026-01-01'),
    });
  });
});
