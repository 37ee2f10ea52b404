import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { sqsBatchHandler } from '../../../shared/lambda/sqs-batch.ts';
import { DeliveryMessage } from '../../../shared/webhooks/relay-messages.ts';

/**
 * Queue messages are parsed with their queue's schema, record by record, and processing state
 * belongs to one invocation: a message that is not one of the queue's is reported failed (SQS hands
 * it out again and moves it to the dead letters), never dropped; two invocations running at once
 * never report each other's failures.
 */

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function record(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1767225600000',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '1767225600000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhook-delivery',
    awsRegion: 'us-east-1',
  };
}

const delivery = (attempt: number) =>
  JSON.stringify({
    kind: 'delivery',
    deliveryId: `dlv_${'a'.repeat(22)}`,
    endpointId: 'wh_0000000000000000',
    tenant: 'acme',
    generation: 1,
    attempt,
    notBefore: 0,
  });

describe('queue messages', () => {
  test('a message that is not one of the queue’s fails on its own; the rest are handled', async () => {
    const handled: number[] = [];
    const handler = sqsBatchHandler({
      schema: DeliveryMessage,
      logger,
      handle: async (message) => {
        handled.push(message.attempt);
      },
    });
    const event: SQSEvent = {
      Records: [
        record('good-1', delivery(1)),
        record('not-json', 'this is not json'),
        record('untagged', JSON.stringify({ deliveryId: 'x' })),
        record('good-2', delivery(2)),
      ],
    };
    const response = await handler(event, context);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([
      'not-json',
      'untagged',
    ]);
    expect(handled.sort()).toEqual([1, 2]);
  });

  test('two invocations at once report only their own failures', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = sqsBatchHandler({
      schema: DeliveryMessage,
      logger,
      handle: async (message) => {
        await gate;
        if (message.attempt === 9) throw new Error('this one fails');
      },
    });
    const failing = handler(
      { Records: [record('fails', delivery(9)), record('a-fine-one', delivery(1))] },
      context,
    );
    const passing = handler(
      { Records: [record('b-fine-one', delivery(2)), record('c-fine-one', delivery(3))] },
      context,
    );
    release();
    const [first, second] = await Promise.all([failing, passing]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'fails' }]);
    expect(second.batchItemFailures).toEqual([]);
  });
});
