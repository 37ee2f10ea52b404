import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { systemClock } from '../../shared/clock.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { ReconcilerEnvironment } from '../../shared/config/reconciler-environment.ts';
import { createObservability } from '../../shared/observability.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { DynamoDeliveryStore } from '../../shared/webhooks/dynamo-delivery-store.ts';
import { DeliveryReconciler } from '../../shared/webhooks/reconciler.ts';
import { SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';

/** Runs on a schedule (EventBridge Scheduler; a timer locally): queues deliveries whose message was lost. */

const environment = loadEnvironment(ReconcilerEnvironment);
const { logger } = createObservability('webhook-reconciler');
const reconciler = new DeliveryReconciler({
  deliveries: new DynamoDeliveryStore(new Table(new DynamoDBClient({}), environment.TABLE_NAME)),
  queue: new SqsRelayQueue(new SQSClient({}), {
    delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL,
    deadLetter: environment.WEBHOOK_DEAD_LETTER_QUEUE_URL,
  }),
  clock: systemClock,
  options: { graceMs: environment.WEBHOOK_RECONCILE_GRACE_MINUTES * 60_000 },
});

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const outcome = await reconciler.run();
    if (outcome.requeued > 0 || outcome.deadLettered > 0)
      logger.warn('reconciled lost deliveries', { ...outcome });
    return outcome;
  });
