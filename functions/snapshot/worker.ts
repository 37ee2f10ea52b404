import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { reportActivity } from '../../shared/activity.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { SnapshotEnvironment } from '../../shared/config/snapshot-environment.ts';
import { deadlineSignal } from '../../shared/lambda/deadline.ts';
import { sqsBatchHandler } from '../../shared/lambda/sqs-batch.ts';
import { createObservability } from '../../shared/observability.ts';
import { createSnapshotRunner } from '../../shared/snapshot/create-snapshot-runner.ts';
import { SNAPSHOT_METRICS } from '../../shared/snapshot/snapshot-metrics.ts';
import { roundActivity } from '../../shared/snapshot/snapshot-runner.ts';
import { SqsWorkQueue, WorkMessage } from '../../shared/snapshot/work-queue.ts';
import { Table } from '../../shared/storage/dynamo.ts';

/**
 * Snapshot worker: one run (or continuation) per work message. A run that nears the end of its
 * invocation hands over to a continuation message; a message that is not a work message fails
 * and ends in the queue's dead letters.
 */

const environment = loadEnvironment(SnapshotEnvironment);
const { logger, metrics } = createObservability(SNAPSHOT_METRICS.service);
const runner = createSnapshotRunner(environment, {
  table: new Table(new DynamoDBClient({}), environment.TABLE_NAME),
  sns: new SNSClient({}),
  secrets: createSecretSource(),
  reporter: {
    quarantined(connection, record) {
      // Where and why, never what: a provider record may hold personal data.
      logger.warn('quarantined a provider record', { connection, ...record });
      count(connection, SNAPSHOT_METRICS.quarantined, 1);
      reportActivity({ kind: 'quarantined', connection, ...record });
    },
  },
});
const queue = new SqsWorkQueue(new SQSClient({}), environment.SNAPSHOT_QUEUE_URL);
const marginMs = environment.SNAPSHOT_SAFETY_MARGIN_SECONDS * 1000;

/**
 * A metric of one connection. Each goes out on its own (a single metric with its own dimension):
 * invocations of several connections may run at once in one process (the local runtime), and a
 * dimension set on the shared instance would be one invocation's for all of them.
 */
function count(connection: string, name: string, value: number) {
  const metric = metrics.singleMetric();
  metric.addDimension('connection', connection);
  metric.addMetric(name, MetricUnit.Count, value);
}

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger))
  .handler(
    sqsBatchHandler({
      schema: WorkMessage,
      logger,
      inParallel: false,
      async handle(message, _record, context) {
        const deadline = deadlineSignal(context, marginMs);
        const started = performance.now();
        let outcome: Awaited<ReturnType<typeof runner.handle>>;
        try {
          outcome = await runner.handle(message, () => context.getRemainingTimeInMillis(), deadline.signal);
        } finally {
          deadline.stop();
        }
        logger.info('snapshot run', {
          connection: message.connection,
          outcome: outcome.kind,
          ...('stats' in outcome ? outcome.stats : {}),
          ...(outcome.kind === 'failed' ? { reason: outcome.reason } : {}),
        });
        reportActivity(roundActivity(message.connection, outcome, performance.now() - started));
        if (outcome.kind === 'continue') await queue.send([outcome.message]);
        if (outcome.kind === 'failed') {
          logger.warn('snapshot run failed', { connection: message.connection, reason: outcome.reason });
          count(message.connection, SNAPSHOT_METRICS.failed, 1);
        }
        if ('stats' in outcome) {
          count(message.connection, SNAPSHOT_METRICS.changes, outcome.stats.changed);
          count(message.connection, SNAPSHOT_METRICS.published, outcome.stats.published);
          if (outcome.kind === 'completed') count(message.connection, SNAPSHOT_METRICS.completed, 1);
        }
      },
    }),
  );
