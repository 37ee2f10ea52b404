import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { DynamoApiKeyReader } from '../../shared/auth/dynamo-api-keys.ts';
import { systemClock } from '../../shared/clock.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { FanOutEnvironment } from '../../shared/config/fan-out-environment.ts';
import { DynamoEventLog } from '../../shared/events/dynamo-event-log.ts';
import { sqsBatchHandler } from '../../shared/lambda/sqs-batch.ts';
import { createObservability } from '../../shared/observability.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { DynamoDeliveryStore } from '../../shared/webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../../shared/webhooks/dynamo-endpoint-store.ts';
import { EndpointEligibility } from '../../shared/webhooks/endpoint-access.ts';
import { FanOut } from '../../shared/webhooks/fan-out.ts';
import { FanOutMessage } from '../../shared/webhooks/fan-out-message.ts';
import { SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';

/**
 * Webhook fan-out: invoice events from the topic (raw SNS delivery to SQS) become one delivery per
 * eligible endpoint; recover jobs re-send what the event log holds since a time.
 */

const environment = loadEnvironment(FanOutEnvironment);
const { logger } = createObservability('webhook-fanout');
const table = new Table(new DynamoDBClient({}), environment.TABLE_NAME);
const clock = systemClock;
const fanOut = new FanOut({
  endpoints: new DynamoEndpointStore(table),
  deliveries: new DynamoDeliveryStore(table),
  queue: new SqsRelayQueue(new SQSClient({}), { delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL }),
  eligibility: new EndpointEligibility(
    new DynamoApiKeyReader(table),
    clock,
    environment.API_KEY_CACHE_SECONDS,
  ),
  log: new DynamoEventLog(table, { retentionDays: environment.EVENT_RETENTION_DAYS }),
  clock,
  connectionIds: () => environment.CONNECTIONS.map((connection) => connection.id),
  reporter: {
    conflict: (endpointId, deliveryId, eventId) =>
      logger.error('a delivery id holds another event; left untouched', { endpointId, deliveryId, eventId }),
    recoverCapped: (endpointId, queued) =>
      logger.warn('recover stopped at its cap; recover again from the last event', { endpointId, queued }),
  },
});

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler(
    sqsBatchHandler({
      schema: FanOutMessage,
      logger,
      // Each record is independent (delivery ids are derived, so a repeat is harmless).
      async handle(message, record) {
        if ('kind' in message) {
          logger.info('recover', { endpointId: message.endpointId, queued: await fanOut.recover(message) });
          return;
        }
        const correlationId = record.messageAttributes?.correlationId?.stringValue ?? null;
        const queued = await fanOut.events([message], correlationId);
        logger.info('fanned out', {
          eventId: message.id,
          type: message.type,
          deliveries: queued,
          correlationId,
        });
      },
    }),
  );
