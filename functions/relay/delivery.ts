import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { DeliveryEnvironment } from '../../shared/config/relay-environment.ts';
import { createObservability } from '../../shared/observability.ts';
import { createDeliveryClient } from '../../shared/webhooks/delivery-client.ts';
import { DeliveryWorker } from '../../shared/webhooks/delivery-worker.ts';
import { DeliveryMessage, SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';
import { WebhookStore } from '../../shared/webhooks/webhook-store.ts';
import { parseJsonOrUndefined } from '../../shared/wire/json.ts';

/**
 * Webhook delivery: one attempt per message, records processed in parallel so that one slow
 * subscriber does not hold up the others in its batch. A message whose time has not come, or whose
 * endpoint's rate is spent, goes back to the queue for a while (visibility) and is reported as not
 * processed; nothing of it is lost.
 */

const environment = loadEnvironment(DeliveryEnvironment);
const { logger } = createObservability('webhook-delivery');
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: environment.IDEMPOTENCY_TABLE_NAME,
  awsSdkV3Client: dynamo,
});

const worker = new DeliveryWorker({
  store: new WebhookStore(dynamo, environment.TABLE_NAME),
  client: createDeliveryClient({
    policy: { allowPrivate: environment.ALLOW_PRIVATE_WEBHOOK_TARGETS },
    connectTimeoutMs: environment.WEBHOOK_CONNECT_TIMEOUT_MS,
    timeoutMs: environment.WEBHOOK_TIMEOUT_MS,
  }),
  queue: new SqsRelayQueue(sqs, {
    delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL,
    deadLetter: environment.WEBHOOK_DEAD_LETTER_QUEUE_URL,
  }),
  options: {
    schedule: environment.WEBHOOK_RETRY_SCHEDULE_SECONDS,
    ratePerSecond: environment.WEBHOOK_RATE_LIMIT_PER_SECOND,
    disableAfterMs: environment.WEBHOOK_DISABLE_AFTER_HOURS * 3600 * 1000,
  },
  // One send per (delivery, generation, attempt), even when SQS hands the message out twice.
  idempotent: (send) => makeIdempotent(send, { persistenceStore, config: idempotency, dataIndexArgument: 0 }),
});

const processor = new BatchProcessor(EventType.SQS);

class Deferred extends Error {}

async function deliver(record: SQSRecord): Promise<void> {
  const body = parseJsonOrUndefined(record.body);
  const message = DeliveryMessage.safeParse(body);
  if (!message.success) {
    logger.error('dropped a message that is not a delivery', { messageId: record.messageId });
    return;
  }
  let seconds: number;
  try {
    const verdict = await worker.handle(message.data);
    if (verdict.kind === 'done') return;
    seconds = verdict.seconds;
  } catch (error: unknown) {
    // Another handler is sending this very attempt (an SQS redelivery): look again shortly.
    if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
    seconds = 5;
  }
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: environment.WEBHOOK_DELIVERY_QUEUE_URL,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.min(43_200, Math.max(1, seconds)),
    }),
  );
  throw new Deferred(`deferred ${seconds} s`);
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => {
    idempotency.registerLambdaContext(context);
    return processPartialResponse(event, deliver, processor, {
      context,
      processInParallel: true,
      // Deferring a whole batch is normal (rate limits, long waits), not a function error.
      throwOnFullBatchFailure: false,
    });
  });
