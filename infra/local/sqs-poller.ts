import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_REGION } from './dynamodb.ts';

/**
 * What Lambda's SQS event source mapping does, locally: long-poll a queue, hand batches to the
 * function as real SQS events, delete what succeeded and leave reported failures (or a whole batch
 * that threw) to come back after the visibility timeout, until the queue's redrive policy
 * moves them to its dead-letter queue.
 */

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface SqsPoller {
  /** Resolves once the queue is empty and no batch is being handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startSqsPoller(options: {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** A fresh Lambda context per invocation. */
  context: () => Context;
  batchSize: number;
  /** Parallel pollers, like Lambda scaling out over a queue. @default 2 */
  concurrency?: number;
  onError?: (error: unknown) => void;
}): SqsPoller {
  const { client, queueUrl } = options;
  let running = true;
  let busy = 0;
  const abort = new AbortController();

  async function poll(): Promise<void> {
    while (running) {
      let messages: ReceiveMessageCommandOutput;
      try {
        messages = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
      } catch (error: unknown) {
        if (!running) return;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const received = messages.Messages ?? [];
      if (received.length === 0) continue;
      busy++;
      try {
        const event: SQSEvent = {
          Records: received.map((message) => ({
            messageId: message.MessageId ?? randomUUID(),
            receiptHandle: message.ReceiptHandle ?? '',
            body: message.Body ?? '',
            attributes: {
              ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
              SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: message.Attributes?.SenderId ?? 'local',
              ApproximateFirstReceiveTimestamp:
                message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
            },
            messageAttributes: Object.fromEntries(
              Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
                name,
                {
                  dataType: value.DataType ?? 'String',
                  ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
                  stringListValues: [],
                  binaryListValues: [],
                },
              ]),
            ),
            md5OfBody: message.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: options.queueArn,
            awsRegion: LOCAL_REGION,
          })),
        };
        let failed = new Set<string>();
        try {
          const response = await options.handler(event, options.context());
          failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        } catch (error: unknown) {
          options.onError?.(error);
          failed = new Set(event.Records.map((record) => record.messageId));
        }
        const done = event.Records.filter((record) => !failed.has(record.messageId));
        try {
          if (done.length > 0) {
            await client.send(
              new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: done.map((record, index) => ({
                  Id: String(index),
                  ReceiptHandle: record.receiptHandle,
                })),
              }),
            );
          }
        } catch (error: unknown) {
          // Not deleted: the messages come back after their visibility timeout, as in Lambda.
          if (running) options.onError?.(error);
        }
      } finally {
        busy--;
      }
    }
  }

  const loops = Array.from({ length: options.concurrency ?? 2 }, () => poll());

  return {
    async idle() {
      for (;;) {
        const { Attributes } = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        );
        const waiting =
          Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
          Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
        if (waiting === 0 && busy === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      running = false;
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}
