import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * The whole product through the local runtime: a sandbox invoice marked paid becomes exactly one
 * `invoice.status_changed` and one `invoice.paid`, delivered to an SQS queue subscribed to the
 * events topic with the filter policy {"status": ["PAID"]}, and shown in /v1/events and the history.
 */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0 });
});
afterAll(() => api.stop());

async function paidQueue() {
  const { sqs, sns, eventsTopicArn } = api.runtime.messaging;
  const created = await sqs.send(new CreateQueueCommand({ QueueName: 'paid-invoices' }));
  const url = (created.QueueUrl ?? '').replace(/^https?:\/\/[^/]+/, api.runtime.fauxqs.address);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: eventsTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn ?? '',
      Attributes: { FilterPolicy: JSON.stringify({ status: ['PAID'] }), RawMessageDelivery: 'true' },
    }),
  );
  return async () => {
    const events: InvoiceEvent[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 300,
          WaitTimeSeconds: 1,
        }),
      );
      if (Messages.length === 0) return events;
      for (const message of Messages) events.push(InvoiceEvent.parse(JSON.parse(message.Body ?? '')));
    }
  };
}

describe('an invoice paid in the sandbox', () => {
  test('yields exactly one status_changed and one paid event: on a filtered queue, in the log and in its history', async () => {
    const receive = await paidQueue();
    await api.runtime.snapshotNow(); // the first walk discovers everything
    const discoveredPaid = await receive();
    expect(discoveredPaid.length).toBeGreaterThan(0);
    expect(
      discoveredPaid.every((event) => event.invoice.status === 'PAID' && event.type === 'invoice.discovered'),
    ).toBe(true);

    const target = api.runtime.sandboxes
      .get('packcloud')
      ?.sample(60)
      .find((invoice) => invoice.status === 'sent');
    const response = await fetch(`${api.url}/sandbox/packcloud/invoices/${target?.remoteId}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'paid' }),
    });
    expect(response.status).toBe(204);
    await api.runtime.snapshotNow();

    const delivered = await receive();
    expect(delivered.map((event) => [event.type, event.invoice.remoteId, event.sequence])).toEqual([
      ['invoice.status_changed', target?.remoteId, 2],
      ['invoice.paid', target?.remoteId, 3],
    ]);
    expect(delivered[0]?.previous?.status).toBe('OPEN');

    const history = await api.json<{ events: InvoiceEvent[] }>(
      `/v1/connections/packcloud/invoices/${target?.remoteId}/history`,
    );
    expect(history.events.map((event) => event.type)).toEqual([
      'invoice.discovered',
      'invoice.status_changed',
      'invoice.paid',
    ]);
    // The same events, under the same ids, everywhere; each id its own.
    const expected = history.events.slice(1).map((event) => event.id);
    expect(delivered.map((event) => event.id)).toEqual(expected);
    expect(new Set(history.events.map((event) => event.id)).size).toBe(3);

    await new Promise((resolve) => setTimeout(resolve, 2100)); // the log shows events once settled
    const log: InvoiceEvent[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await api.json<{ events: InvoiceEvent[]; next: string; caughtUp: boolean }>(
        `/v1/events?connection=packcloud&limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      log.push(...page.events);
      after = page.next;
      if (page.caughtUp) break;
    }
    const changes = log.filter((event) => event.type !== 'invoice.discovered');
    expect(changes.map((event) => event.id)).toEqual(expected);
  });
});
