import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import type { DeliveryAttempt } from '../../../shared/webhooks/delivery-store.ts';
import type { WebhookView } from '../../../shared/webhooks/webhook.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { registerWebhook } from '../../support/webhooks.ts';

/**
 * Webhooks end to end through the local runtime: real snapshot runs, SNS (fauxqs), the fan-out and
 * delivery functions behind SQS pollers, and receivers on loopback that check signatures with the
 * official `standardwebhooks` verifier. Retry delays and timeouts are shortened; behaviour is not.
 */

let api: LocalApi;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver((request, response) => {
    const { path, seen } = request;
    if (path === '/flaky') {
      // 500, then 429 with Retry-After, then a hang past the timeout, then success.
      if (seen === 1) return response.writeHead(500).end('boom');
      if (seen === 2) return response.writeHead(429, { 'retry-after': '1' }).end();
      if (seen === 3) return; // never answers
      return response.writeHead(200).end('ok');
    }
    if (path === '/gone') return response.writeHead(410).end();
    if (path === '/slow') return void setTimeout(() => response.writeHead(204).end(), 300);
    if (path === '/redirect')
      return response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    return response.writeHead(204).end();
  });
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    allowPrivateWebhookTargets: true,
    functionSettings: {
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,0.2,0.2,0.2,0.2,0.2,0.2,0.2',
      // Well above /slow's 300 ms even on a busy machine; the hang still ends in a timeout.
      WEBHOOK_TIMEOUT_MS: 2000,
      WEBHOOK_CONNECT_TIMEOUT_MS: 2000,
    },
  });
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

const at = (path: string) => receiver.received.filter((request) => request.path === path);

async function payOne(connection: 'carbonext' | 'packcloud') {
  const sandbox = api.runtime.sandboxes.get(connection);
  const pending = sandbox
    ?.sample(60)
    .find((invoice) => invoice.status === (connection === 'carbonext' ? 'Pending' : 'sent'));
  sandbox?.setStatus(pending?.remoteId ?? '', connection === 'carbonext' ? 'Paid' : 'paid');
  await api.runtime.snapshotNow();
  await api.runtime.settle();
  return pending?.remoteId ?? '';
}

describe('signed deliveries', () => {
  test('a paid invoice reaches the endpoint as a verifiable invoice.paid; forged or stale copies fail verification', async () => {
    const endpoint = await register('/paid', { eventTypes: ['invoice.paid'] });
    const remoteId = await payOne('carbonext');
    const [delivery] = at('/paid');
    expect(at('/paid')).toHaveLength(1);
    const verifier = new Webhook(endpoint.secret);
    const event = verifier.verify(
      delivery?.body ?? '',
      delivery?.headers as Record<string, string>,
    ) as InvoiceEvent;
    expect(event).toMatchObject({ type: 'invoice.paid', invoice: { remoteId, status: 'PAID' } });
    expect(delivery?.headers['webhook-id']).toBe(event.id);

    const forged = (delivery?.body ?? '').replace('"PAID"', '"VOID"');
    expect(() => verifier.verify(forged, delivery?.headers as Record<string, string>)).toThrow(
      WebhookVerificationError,
    );
    const stale = { ...delivery?.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    expect(() => verifier.verify(delivery?.body ?? '', stale as unknown as Record<string, string>)).toThrow(
      WebhookVerificationError,
    );
  });

  test('during a rotation a receiver holding either secret verifies', async () => {
    const endpoint = await register('/rotating');
    const rotated = await api.json<{ secret: string }>(`/v1/webhooks/${endpoint.id}/rotate-secret`, 200, {
      method: 'POST',
    });
    await api.json(`/v1/webhooks/${endpoint.id}/test`, 202, { method: 'POST' });
    await api.runtime.settle();
    const [delivery] = at('/rotating');
    expect(String(delivery?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.secret]) {
      expect(
        new Webhook(secret).verify(delivery?.body ?? '', delivery?.headers as Record<string, string>),
      ).toMatchObject({
        type: 'webhook.test',
      });
    }
  });
});

describe('a flaky receiver', () => {
  test('500, 429 with Retry-After and a hang are retried until the event arrives, always under the same webhook-id', async () => {
    const endpoint = await register('/flaky', { eventTypes: ['invoice.paid'], connections: ['packcloud'] });
    await payOne('packcloud');
    const requests = at('/flaky');
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    // The attempt after the 429 was scheduled for its Retry-After (1 s) instead of the 0.2 s
    // schedule, as the stored attempt says; the wait itself is proven on a manual clock in
    // test/unit/webhooks/delivery-worker.test.ts.
    const { attempts } = await api.json<{ attempts: DeliveryAttempt[] }>(
      `/v1/webhooks/${endpoint.id}/deliveries`,
    );
    const throttled = attempts.find((attempt) => attempt.statusCode === 429);
    expect(Date.parse(throttled?.nextAttemptAt ?? '') - Date.parse(throttled?.at ?? '')).toBe(1000);
  });

  test('410 disables the endpoint', async () => {
    const endpoint = await register('/gone');
    await api.json(`/v1/webhooks/${endpoint.id}/test`, 202, { method: 'POST' });
    await api.runtime.settle();
    const after = await api.json<WebhookView>(`/v1/webhooks/${endpoint.id}`);
    expect(after).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    expect(at('/gone')).toHaveLength(1);
  });

  test('a redirect (to the metadata address) is never followed; after the last attempt the delivery is dead-lettered and stays recoverable', async () => {
    const endpoint = await register('/redirect');
    const { deliveryId } = await api.json<{ deliveryId: string }>(`/v1/webhooks/${endpoint.id}/test`, 202, {
      method: 'POST',
    });
    await api.runtime.settle();
    // The first attempt and a retry per schedule entry (eight): nine in all.
    expect(at('/redirect')).toHaveLength(9);
    const { attempts } = await api.json<{ attempts: DeliveryAttempt[] }>(
      `/v1/webhooks/${endpoint.id}/deliveries`,
    );
    expect(attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.outcome])).toEqual(
      [9, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => [n, 302, 'failed']),
    );
    const { Attributes } = await api.runtime.messaging.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: api.runtime.messaging.deliveryQueue.deadLetterUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Number(Attributes?.ApproximateNumberOfMessages)).toBeGreaterThanOrEqual(1);

    // Recoverable: a retry starts the delivery over, with the same webhook-id.
    await api.json(`/v1/webhooks/${endpoint.id}/deliveries/${deliveryId}/retry`, 202, { method: 'POST' });
    await api.runtime.settle();
    expect(at('/redirect')).toHaveLength(18);
    expect(new Set(at('/redirect').map((request) => request.headers['webhook-id'])).size).toBe(1);
  });
});

describe('idempotent delivery and recovery', () => {
  test('a delivery message handed out twice while it is being sent sends once, under the same webhook-id', async () => {
    const endpoint = await register('/slow');
    const { deliveryId } = await api.json<{ deliveryId: string }>(`/v1/webhooks/${endpoint.id}/test`, 202, {
      method: 'POST',
    });
    // SQS hands the same message out twice more at once (redeliveries): same delivery, generation, attempt.
    const message = {
      kind: 'delivery',
      deliveryId,
      endpointId: endpoint.id,
      tenant: 'local',
      generation: 1,
      attempt: 1,
      notBefore: 0,
    };
    await Promise.all(
      [0, 1].map(() =>
        api.runtime.messaging.sqs.send(
          new SendMessageCommand({
            QueueUrl: api.runtime.messaging.deliveryQueue.url,
            MessageBody: JSON.stringify(message),
          }),
        ),
      ),
    );
    await api.runtime.settle();
    expect(at('/slow')).toHaveLength(1);
  });

  test('recover re-sends every matching event since a time', async () => {
    const since = new Date().toISOString();
    await payOne('carbonext');
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the log shows settled events
    const endpoint = await register('/recovered', { eventTypes: ['invoice.paid', 'invoice.status_changed'] });
    await api.json(`/v1/webhooks/${endpoint.id}/recover`, 202, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ since }),
    });
    await api.runtime.settle();
    const types = at('/recovered')
      .map((request) => (JSON.parse(request.body) as InvoiceEvent).type)
      .sort();
    expect(types).toEqual(['invoice.paid', 'invoice.status_changed']);
  });
});
