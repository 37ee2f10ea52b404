import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { DynamoApiKeyReader } from '../../shared/auth/dynamo-api-keys.ts';
import { systemClock } from '../../shared/clock.ts';
import { DeliveryEnvironment } from '../../shared/config/delivery-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { sqsBatchHandler } from '../../shared/lambda/sqs-batch.ts';
import { createObservability } from '../../shared/observability.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { createDeliveryClient } from '../../shared/webhooks/delivery-client.ts';
import { DeliveryWorker } from '../../shared/webhooks/delivery-worker.ts';
import { DynamoDeliveryStore } from '../../shared/webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../../shared/webhooks/dynamo-endpoint-store.ts';
import { EndpointEligibility } from '../../shared/webhooks/endpoint-access.ts';
import { DeliveryMessage } from '../../shared/webhooks/relay-messages.ts';
import { SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';
import { dataKeysFor, SecretSealer } from '../../shared/webhooks/secret-sealing.ts';

/**
 * Webhook delivery: one attempt per message, records processed in parallel so that one slow
 * subscriber does not hold up the others in its batch. What has to wait (not due yet, the
 * endpoint's rate spent, another handler sending the same attempt) goes back as a fresh delayed
 * message; nothing of it is lost and waiting never counts toward the receive limit.
 */

const environment = loadEnvironment(DeliveryEnvironment);
const { logger } = createObservability('webhook-delivery');
const dynamo = new DynamoDBClient({});
const table = new Table(dynamo, environment.TABLE_NAME);
const clock = systemClock;
const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: environment.IDEMPOTENCY_TABLE_NAME,
  awsSdkV3Client: dynamo,
});

const worker = new DeliveryWorker({
  endpoints: new DynamoEndpointStore(table),
  deliveries: new DynamoDeliveryStore(table),
  eligibility: new EndpointEligibility(
    new DynamoApiKeyReader(table),
    clock,
    environment.API_KEY_CACHE_SECONDS,
  ),
  sealer: new SecretSealer(dataKeysFor(environment.WEBHOOK_SECRETS_KEY)),
  client: createDeliveryClient({
    policy: { allowPrivate: environment.ALLOW_PRIVATE_WEBHOOK_TARGETS },
    connectTimeoutMs: environment.WEBHOOK_CONNECT_TIMEOUT_MS,
    timeoutMs: environment.WEBHOOK_TIMEOUT_MS,
  }),
  queue: new SqsRelayQueue(new SQSClient({}), {
    delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL,
    deadLetter: environment.WEBHOOK_DEAD_LETTER_QUEUE_URL,
  }),
  options: {
    schedule: environment.WEBHOOK_RETRY_SCHEDULE_SECONDS,
    ratePerSecond: environment.WEBHOOK_RATE_LIMIT_PER_SECOND,
    disableAfterMs: environment.WEBHOOK_DISABLE_AFTER_HOURS * 3600 * 1000,
  },
  clock,
  // One send per (delivery, generation, attempt), even when SQS hands the message out twice.
  idempotent: (send) => makeIdempotent(send, { persistenceStore, config: idempotency, dataIndexArgument: 0 }),
});

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => {
    idempotency.registerLambdaContext(context);
    return sqsBatchHandler({
      schema: DeliveryMessage,
      logger,
      async handle(message) {
        try {
          const verdict = await worker.handle(message);
          logger.info('delivery', { deliveryId: message.deliveryId, attempt: message.attempt, ...verdict });
        } catch (error: unknown) {
          // Another handler is sending this very attempt (an SQS redelivery): look again shortly.
          if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
          await worker.defer(message, 5, 'not-due');
        }
      },
    })(event, context);
  });
