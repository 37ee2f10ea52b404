/**
 * Topics and queues of the product, described once for the CDK stack and the local runtime.
 * Names are logical: CDK derives physical names, the local runtime uses them as they are.
 */
export interface QueueSpec {
  name: string;
  /** Longer than the consuming function's timeout, so a message is not handed out twice meanwhile. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** Messages consumed per invocation. */
  batchSize: number;
}

export const EVENTS_TOPIC = { name: 'invoice-events' } as const;

export const SNAPSHOT_QUEUE: QueueSpec = {
  name: 'snapshot-work',
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 3,
  batchSize: 1,
};

export function deadLetterName(queue: QueueSpec): string {
  return `${queue.name}-dlq`;
}

/** Events from the topic (raw delivery) and recover jobs, turned into deliveries. */
export const WEBHOOK_FANOUT_QUEUE: QueueSpec = {
  name: 'webhook-fanout',
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  batchSize: 10,
};

/**
 * One message per delivery attempt. Waits longer than SQS delays allow go through message
 * visibility, and each wait is a receive, hence the generous receive count before the DLQ.
 */
export const WEBHOOK_DELIVERY_QUEUE: QueueSpec = {
  name: 'webhook-delivery',
  visibilityTimeoutSeconds: 240,
  maxReceiveCount: 100,
  batchSize: 10,
};
