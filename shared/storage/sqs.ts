import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS takes at most ten messages per SendMessageBatch. */
const SQS_BATCH = 10;

/**
 * Sends every body to the queue, ten per request, optionally delayed (at most SQS's 15 minutes).
 * Throws when SQS refuses any entry, so that the caller's message is retried as a whole.
 */
export async function sendMessages(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  delaySeconds = 0,
): Promise<void> {
  for (let start = 0; start < bodies.length; start += SQS_BATCH) {
    const batch = bodies.slice(start, start + SQS_BATCH);
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
        })),
      }),
    );
    if ((response.Failed ?? []).length > 0)
      throw new Error(`${response.Failed?.length} of ${batch.length} messages were not queued`);
  }
}
