import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { ConnectionId } from '../connections/connection-id.ts';
import { sendMessages } from '../storage/sqs.ts';

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
    await sendMessages(
      this.#client,
      this.#queueUrl,
      messages.map((message) => JSON.stringify(message)),
    );
  }
}
