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
