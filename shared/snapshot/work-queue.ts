import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { ConnectionId } from '../connections/connection-config.ts';

/** Messages on the snapshot work queue: start a run, or continue one that ran out of time. */
export const WorkMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('run'), connection: ConnectionId }),
  z.strictObject({ kind: z.literal('continue'), connection: ConnectionId, runId: z.string().min(1).max(64) }),
]);
export type WorkMessage = z.infer<typeof WorkMessage>;

export interface WorkQueue {
  send(messages: readonly WorkMessage[]): Promise<void>;
}

export class SqsWorkQueue implements WorkQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(messages: readonly WorkMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const response = await this.#client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
          })),
        }),
      );
      if ((response.Failed ?? []).length > 0)
        throw new Error(`${response.Failed?.length} work messages were not queued`);
    }
  }
}
