import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { DispatcherEnvironment } from '../../shared/config/dispatcher-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createObservability } from '../../shared/observability.ts';
import { SqsWorkQueue } from '../../shared/snapshot/work-queue.ts';

/**
 * Runs on the snapshot schedule (EventBridge Scheduler; a timer locally): one work message per
 * connection, so that connections are walked in parallel and a slow provider holds up no other.
 */

const environment = loadEnvironment(DispatcherEnvironment);
const { logger } = createObservability('snapshot-dispatcher');
const queue = new SqsWorkQueue(new SQSClient({}), environment.SNAPSHOT_QUEUE_URL);

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const messages = environment.CONNECTIONS.map((connection) => ({
      kind: 'run' as const,
      connection: connection.id,
    }));
    await queue.send(messages);
    logger.info('snapshot runs dispatched', { connections: messages.length });
    return { dispatched: messages.length };
  });
