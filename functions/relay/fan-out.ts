import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { RelayEnvironment } from '../../shared/config/relay-environment.ts';
import { EventLog } from '../../shared/events/event-log.ts';
import { InvoiceEvent } from '../../shared/events/invoice-event.ts';
import { createObservability } from '../../shared/observability.ts';
import { FanOut } from '../../shared/webhooks/fan-out.ts';
import { RecoverJob, SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';
import type { EndpointRecord } from '../../shared/webhooks/webhook.ts';
import { WebhookStore } from '../../shared/webhooks/webhook-store.ts';
import { parseJsonOrUndefined } from '../../shared/wire/json.ts';

/**
 * Webhook fan-out: invoice events from the topic (raw SNS delivery to SQS) become one delivery per
 * matching endpoint; recover jobs re-send what the event log holds since a time.
 */

const environment = loadEnvironment(RelayEnvironment);
const { logger } = createObservability('webhook-fanout');
const dynamo = new DynamoDBClient({});
const store = new WebhookStore(dynamo, environment.TABLE_NAME);
const fanOut = new FanOut({
  store,
  queue: new SqsRelayQueue(new SQSClient({}), {
    delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL,
  }),
  log: new EventLog(dynamo, environment.TABLE_NAME, { retentionDays: environment.EVENT_RETENTION_DAYS }),
});
const processor = new BatchProcessor(EventType.SQS);

async function fan(record: SQSRecord, endpoints: () => Promise<EndpointRecord[]>): Promise<void> {
  const body = parseJsonOrUndefined(record.body);
  const job = RecoverJob.safeParse(body);
  if (job.success) {
    logger.info('recover', { endpointId: job.data.endpointId, queued: await fanOut.recover(job.data) });
    return;
  }
  const event = InvoiceEvent.safeParse(body);
  if (!event.success) {
    logger.error('dropped a message that is neither an invoice event nor a recover job', {
      messageId: record.messageId,
    });
    return;
  }
  await fanOut.events([event.data], endpoints());
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => {
    // One endpoint query per batch, made when the first invoice event needs it.
    let endpoints: Promise<EndpointRecord[]> | undefined;
    const batchEndpoints = () => {
      endpoints ??= fanOut.enabledEndpoints();
      return endpoints;
    };
    // In parallel: each record is independent (delivery ids are derived, so a repeat is harmless),
    // and a batch handled one record at a time was the relay's bottleneck in bench/relay.
    return processPartialResponse(event, (record: SQSRecord) => fan(record, batchEndpoints), processor, {
      context,
      processInParallel: true,
    });
  });
