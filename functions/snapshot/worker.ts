import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { SnapshotEnvironment } from '../../shared/config/snapshot-environment.ts';
import { createObservability } from '../../shared/observability.ts';
import { SNAPSHOT_METRICS } from '../../shared/snapshot/snapshot-metrics.ts';
import { createSnapshotRunner } from '../../shared/snapshot/snapshot-service.ts';
import { SqsWorkQueue, WorkMessage } from '../../shared/snapshot/work-queue.ts';
import { parseJsonOrUndefined } from '../../shared/wire/json.ts';

/**
 * Snapshot worker: one run (or continuation) per SQS message. Partial batch responses report only
 * the messages that failed; a message that is not a work message is logged and dropped, never retried.
 */

const environment = loadEnvironment(SnapshotEnvironment);
const { logger, metrics } = createObservability(SNAPSHOT_METRICS.service);
const runner = createSnapshotRunner(environment, {
  dynamo: new DynamoDBClient({}),
  sns: new SNSClient({}),
  secrets: createSecretSource(),
});
const queue = new SqsWorkQueue(new SQSClient({}), environment.SNAPSHOT_QUEUE_URL);
const processor = new BatchProcessor(EventType.SQS);

async function work(record: SQSRecord, context: Context): Promise<void> {
  const parsed = parseJsonOrUndefined(record.body);
  const message = WorkMessage.safeParse(parsed);
  if (!message.success) {
    logger.error('dropped a message that is not a work message', { messageId: record.messageId });
    return;
  }
  const outcome = await runner.handle(message.data, () => context.getRemainingTimeInMillis());
  logger.info('snapshot run', {
    connection: message.data.connection,
    outcome: outcome.kind,
    ...('stats' in outcome ? outcome.stats : {}),
  });
  if (outcome.kind === 'continue') await queue.send([outcome.message]);
  if (outcome.kind === 'failed')
    logger.warn('snapshot run failed', { connection: message.data.connection, reason: outcome.reason });
  if ('stats' in outcome) {
    metrics.addDimension('connection', message.data.connection);
    metrics.addMetric(SNAPSHOT_METRICS.changes, MetricUnit.Count, outcome.stats.changed);
    metrics.addMetric(SNAPSHOT_METRICS.published, MetricUnit.Count, outcome.stats.published);
    if (outcome.kind === 'completed') metrics.addMetric(SNAPSHOT_METRICS.completed, MetricUnit.Count, 1);
  }
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    processPartialResponse(event, (record: SQSRecord) => work(record, context), processor, { context }),
  );
