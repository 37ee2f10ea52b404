import { Webhook } from 'standardwebhooks';
import { describe, expect, test } from 'vitest';
import type { AttemptKey, DeliveryWorker, SendAttempt } from '../../../shared/webhooks/delivery-worker.ts';
import type { DeliveryMessage } from '../../../shared/webhooks/relay-messages.ts';
import type { EndpointRecord } from '../../../shared/webhooks/webhook.ts';
import { DAY_MS, invoiceEvent, type RelayWorld, relayWorld } from '../../support/fakes/relay-world.ts';
import { answer, failure } from '../../support/fakes/scripted-receiver.ts';

/**
 * One delivery attempt and what follows it: the retry schedule, Retry-After, 410, dead letters,
 * deferrals as fresh delayed messages, cancellations, and the idempotency wrapper. Time moves only
 * when a test moves the manual clock; the queue makes messages visible by it, as SQS would.
 */

async function pendingDelivery(world: RelayWorld, fields: Partial<EndpointRecord> = {}) {
  const owner = await world.key('acme', ['books']);
  const { record, secret } = await world.endpoint(owner, fields);
  const event = invoiceEvent('books', 'inv-1', { type: 'invoice.paid', status: 'PAID', sequence: 2 });
  await world.fanOut().events([event], 'run-1');
  const [message] = world.queue.receive() as [DeliveryMessage];
  return { owner, endpoint: record, secret, event, message };
}

/** Handles every message as it becomes visible, moving the clock to the next one, until none is left. */
async function drain(world: RelayWorld, worker: DeliveryWorker) {
  const handled: Array<{
    at: number;
    message: DeliveryMessage;
    verdict: Awaited<ReturnType<DeliveryWorker['handle']>>;
  }> = [];
  for (let steps = 0; steps < 500; steps++) {
    const visible = world.queue.receive();
    if (visible.length === 0) {
      const next = world.queue.nextVisibleAt();
      if (next === null) return handled;
      world.clock.set(Math.max(world.clock(), next));
      continue;
    }
    for (const message of visible)
      handled.push({ at: world.clock(), message, verdict: await worker.handle(message) });
  }
  throw new Error('the queue never drained');
}

describe('a delivery attempt', () => {
  test('a 2xx delivers: signed with the endpoint secret, recorded, settled, and the failing streak forgotten', async () => {
    const world = relayWorld();
    const { endpoint, secret, event, message } = await pendingDelivery(world, {
      failingSince: '2025-12-31T00:00:00.000Z',
    });

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'delivered' });
    const [post] = world.receiver.received;
    expect(post?.url).toBe(endpoint.url);
    expect(post?.body).toBe(JSON.stringify(event));
    expect(post?.headers).toMatchObject({
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(world.clock() / 1000)),
      'webhook-correlation-id': 'run-1',
      'webhook-signature': new Webhook(secret).sign(event.id, new Date(world.clock()), JSON.stringify(event)),
    });
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      dueAt: null,
      lastAttemptAt: new Date(world.clock()).toISOString(),
    });
    expect((await world.deliveries.attempts(endpoint.id, 10, null)).attempts).toMatchObject([
      { attempt: 1, outcome: 'delivered', statusCode: 204, nextAttemptAt: null },
    ]);
    expect((await world.endpoints.get('acme', endpoint.id))?.failingSince).toBeNull();
    expect(world.queue.waiting).toBe(0);
  });

  test('a failure is retried after 0 s first, as a fresh message for the next attempt', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(500));

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'failed' });
    expect(world.queue.sent.at(-1)).toMatchObject({
      message: { ...message, attempt: 2, notBefore: world.clock() },
      delaySeconds: 0,
    });
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      dueAt: new Date(world.clock()).toISOString(),
    });
    expect((await world.endpoints.get('acme', endpoint.id))?.failingSince).toBe(
      new Date(world.clock()).toISOString(),
    );
  });

  test('a receiver that keeps failing is tried on the schedule, nine times over about 37 hours, then dead-lettered', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, ...Array.from({ length: 9 }, () => answer(503)));
    const start = world.clock();
    const worker = world.worker();
    await worker.handle(message);

    const handled = await drain(world, worker);

    const attempts = [{ at: start }, ...handled.filter((entry) => entry.verdict.kind === 'done')];
    expect(attempts.map((entry) => (entry.at - start) / 1000)).toEqual([
      0, 0, 5, 305, 2105, 9305, 27_305, 63_305, 99_305,
    ]);
    // Waits past SQS's 15 minutes go on as fresh messages delayed 15 minutes at a time: one for
    // the 30-minute wait, 7 for 2 h, 19 for 5 h, 39 for each 10 h.
    const deferred = handled.filter((entry) => entry.verdict.kind === 'deferred');
    expect(deferred).toHaveLength(1 + 7 + 19 + 39 + 39);
    expect(
      deferred.every((entry) => entry.verdict.kind === 'deferred' && entry.verdict.seconds === 900),
    ).toBe(true);
    expect(world.queue.deadLetters).toEqual([{ ...message, attempt: 9, notBefore: expect.any(Number) }]);
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'dead',
      attempts: 9,
      dueAt: null,
    });
    expect(world.receiver.received).toHaveLength(9);
    expect(new Set(world.receiver.received.map((post) => post.headers['webhook-id'])).size).toBe(1);
  });

  test('Retry-After is honoured: the next attempt is scheduled when the receiver asked, not on the shorter schedule', async () => {
    const world = relayWorld({ worker: { schedule: [0, 0.2, 0.2] } });
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(500), answer(429, 1));
    const worker = world.worker();
    await worker.handle(message);
    const [second] = world.queue.receive() as [DeliveryMessage];
    const sentAt = world.clock();

    await worker.handle(second);

    expect(world.queue.sent.at(-1)).toMatchObject({
      message: { attempt: 3, notBefore: sentAt + 1000 },
      delaySeconds: 1,
    });
    const [latest] = (await world.deliveries.attempts(endpoint.id, 1, null)).attempts;
    expect(latest).toMatchObject({
      attempt: 2,
      statusCode: 429,
      nextAttemptAt: new Date(sentAt + 1000).toISOString(),
    });
    expect(world.queue.receive()).toEqual([]);
    world.clock.advance(999);
    expect(world.queue.receive()).toEqual([]);
    world.clock.advance(1);
    expect(world.queue.receive()).toHaveLength(1);
  });

  test('a Retry-After never shortens the schedule and is honoured up to 12 hours only', async () => {
    const world = relayWorld({ worker: { schedule: [300, 300] } });
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(503, 1), answer(503, 100_000));
    const worker = world.worker();

    await worker.handle(message);
    const short = world.queue.sent.at(-1)?.delaySeconds;
    world.clock.advance(300_000);
    await worker.handle({ ...message, attempt: 2, notBefore: world.clock() });
    const long = world.queue.sent.at(-1)?.delaySeconds;

    expect([short, long]).toEqual([300, 43_200]);
  });

  test('410 disables the endpoint and cancels the delivery without a retry', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(410));

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'gone' });
    expect(await world.endpoints.get('acme', endpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'cancelled',
      dueAt: null,
    });
    expect(world.queue.waiting).toBe(0);
    expect(world.queue.deadLetters).toEqual([]);
  });

  test('a redirect is a failure to retry; a refused target is recorded as refused', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(302), failure('refused'));
    const worker = world.worker();

    const redirected = await worker.handle(message);
    const refused = await worker.handle({ ...message, attempt: 2 });

    expect([redirected, refused]).toEqual([
      { kind: 'done', outcome: 'failed' },
      { kind: 'done', outcome: 'refused' },
    ]);
    const { attempts } = await world.deliveries.attempts(endpoint.id, 10, null);
    expect(attempts.map((entry) => [entry.attempt, entry.outcome, entry.statusCode, entry.error])).toEqual([
      [2, 'refused', null, 'refused: refused'],
      [1, 'failed', 302, null],
    ]);
  });

  test('an endpoint failing for longer than the disable period is disabled, saying since when', async () => {
    const world = relayWorld();
    const failingSince = new Date(world.clock() - 6 * DAY_MS).toISOString();
    const { endpoint, message } = await pendingDelivery(world, { failingSince });
    world.receiver.script(endpoint.url, answer(500));

    await world.worker().handle(message);

    expect(await world.endpoints.get('acme', endpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: `every delivery failed since ${failingSince}`,
    });
  });

  test('a delivery is cancelled, unsent, once its endpoint’s owner lost the grant of its connection', async () => {
    const world = relayWorld();
    const { owner, endpoint, message } = await pendingDelivery(world);
    world.keys.regrant(owner.keyId, ['ledger']);
    world.clock.advance(31_000);

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'cancelled' });
    expect(world.receiver.received).toEqual([]);
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'cancelled',
      dueAt: null,
    });
  });

  test.each([
    ['deleted', (world: RelayWorld, endpoint: EndpointRecord) => world.endpoints.delete('acme', endpoint.id)],
    [
      'disabled',
      (world: RelayWorld, endpoint: EndpointRecord) =>
        world.endpoints.setHealth('acme', endpoint.id, { enabled: false, disabledReason: 'by hand' }),
    ],
  ])('a delivery to an endpoint %s meanwhile is cancelled, unsent', async (_case, change) => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    await change(world, endpoint);

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'cancelled' });
    expect(world.receiver.received).toEqual([]);
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      status: 'cancelled',
    });
  });

  test('a message of an older generation, of an attempt already made, or of a settled delivery is skipped', async () => {
    const world = relayWorld();
    const { endpoint, event, message } = await pendingDelivery(world);
    const worker = world.worker();
    await worker.handle(message);

    const again = await worker.handle(message);
    await world
      .fanOut()
      .send(
        endpoint,
        { id: event.id, type: event.type, connection: 'books', status: null, body: JSON.stringify(event) },
        'again',
      );
    const olderGeneration = await worker.handle({ ...message, attempt: 2 });

    expect([again, olderGeneration]).toEqual([
      { kind: 'done', outcome: 'skipped' },
      { kind: 'done', outcome: 'skipped' },
    ]);
    expect(world.receiver.received).toHaveLength(1);
  });

  test('a delivery restarted while its attempt was out queues no next attempt of the old generation', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    world.receiver.script(endpoint.url, answer(500));
    const sentBefore = world.queue.sent.length;
    // A manual retry lands while the attempt is in flight, before its state is written.
    const update = world.deliveries.update.bind(world.deliveries);
    world.deliveries.update = async (record, generation, now) => {
      const current = await world.deliveries.get(record.endpointId, record.deliveryId);
      if (current !== null) await world.deliveries.restart(current, now);
      return update(record, generation, now);
    };

    const verdict = await world.worker().handle(message);

    expect(verdict).toEqual({ kind: 'done', outcome: 'failed' });
    expect(world.queue.sent.length).toBe(sentBefore);
    expect(await world.deliveries.get(endpoint.id, message.deliveryId)).toMatchObject({
      generation: 2,
      attempts: 0,
      status: 'pending',
    });
    // Its failure no longer speaks for the endpoint: no failing streak starts from it.
    expect((await world.endpoints.get('acme', endpoint.id))?.failingSince).toBeNull();
  });

  test('a message not due yet waits as a fresh delayed message, at most 15 minutes at a time', async () => {
    const world = relayWorld();
    const { message } = await pendingDelivery(world);
    const worker = world.worker();

    const soon = await worker.handle({ ...message, notBefore: world.clock() + 2500 });
    const later = await worker.handle({ ...message, notBefore: world.clock() + 3_600_000 });

    expect(soon).toEqual({ kind: 'deferred', seconds: 3, reason: 'not-due' });
    expect(later).toEqual({ kind: 'deferred', seconds: 900, reason: 'not-due' });
    expect(world.queue.sent.slice(-2).map((entry) => entry.delaySeconds)).toEqual([3, 900]);
    expect(world.receiver.received).toEqual([]);
  });

  test('a spent rate window defers the delivery by a second; the next second it goes', async () => {
    const world = relayWorld({ worker: { ratePerSecond: 1 } });
    const owner = await world.key('acme', ['books']);
    await world.endpoint(owner);
    await world.fanOut().events([invoiceEvent('books', 'one'), invoiceEvent('books', 'two')]);
    const [first, second] = world.queue.receive() as [DeliveryMessage, DeliveryMessage];
    const worker = world.worker();

    const verdicts = [await worker.handle(first), await worker.handle(second)];
    world.clock.advance(1000);
    const [deferred] = world.queue.receive() as [DeliveryMessage];
    const retried = await worker.handle(deferred);

    expect(verdicts).toEqual([
      { kind: 'done', outcome: 'delivered' },
      { kind: 'deferred', seconds: 1, reason: 'rate-limited' },
    ]);
    expect(retried).toEqual({ kind: 'done', outcome: 'delivered' });
    expect(world.receiver.received).toHaveLength(2);
  });

  test('the send goes through the idempotency wrapper, keyed by delivery, generation and attempt', async () => {
    const world = relayWorld();
    const { endpoint, message } = await pendingDelivery(world);
    const keys: AttemptKey[] = [];
    const outcomes = new Map<string, Awaited<ReturnType<SendAttempt>>>();
    // Like Powertools Idempotency: the first call per key runs, later ones answer its result.
    const idempotent =
      (send: SendAttempt): SendAttempt =>
      async (key, target, delivery) => {
        keys.push(key);
        const known = outcomes.get(JSON.stringify(key));
        if (known !== undefined) return known;
        const outcome = await send(key, target, delivery);
        outcomes.set(JSON.stringify(key), outcome);
        return outcome;
      };
    const worker = world.worker({ idempotent });
    await worker.handle(message);
    // The handler died after sending, before its writes landed: the delivery still reads as unsent.
    const delivered = await world.deliveries.get(endpoint.id, message.deliveryId);
    await world.deliveries.update(
      { ...(delivered as NonNullable<typeof delivered>), status: 'pending', attempts: 0 },
      1,
      world.clock(),
    );

    const redelivered = await worker.handle(message);

    expect(keys).toEqual([
      { deliveryId: message.deliveryId, endpointId: endpoint.id, tenant: 'acme', generation: 1, attempt: 1 },
      { deliveryId: message.deliveryId, endpointId: endpoint.id, tenant: 'acme', generation: 1, attempt: 1 },
    ]);
    expect(redelivered).toEqual({ kind: 'done', outcome: 'delivered' });
    expect(world.receiver.received).toHaveLength(1);
  });

  test('during a rotation every delivery is signed with the current and the previous secret', async () => {
    const world = relayWorld();
    const { endpoint, secret, event, message } = await pendingDelivery(world);
    const previous = endpoint.secrets.current;
    const rotated = {
      ...endpoint,
      secrets: {
        current: previous,
        previous: [{ secret: previous, until: new Date(world.clock() + 1000).toISOString() }],
      },
    };
    await world.endpoints.replace(rotated, endpoint);

    await world.worker().handle(message);

    const signature = new Webhook(secret).sign(event.id, new Date(world.clock()), JSON.stringify(event));
    expect(world.receiver.received[0]?.headers['webhook-signature']).toBe(`${signature} ${signature}`);
  });
});
