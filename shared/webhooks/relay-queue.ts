import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';

/** Messages between the relay's functions, and the queues that carry them. */

export const DeliveryMessage = z.strictObject({
  deliveryId: z.string().min(1),
  endpointId: z.string().min(1),
  tenant: z.string().min(1),
  /** Bumped by a manual retry or a recover, so that the same delivery can be sent anew. */
  generation: z.number().int().positive(),
  attempt: z.number().int().positive(),
  /** Epoch ms before which the attempt waits (longer delays than SQS's 15 minutes). */
  notBefore: z.number().int().nonnegative(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

export const RecoverJob = z.strictObject({
  kind: z.literal('recover'),
  tenant: z.string().min(1),
  endpointId: z.string().min(1),
  since: z.string(),
});
export type RecoverJob = z.infer<typeof RecoverJob>;

export interface RelayQueue {
  deliver(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<void>;
  deadLetter(message: DeliveryMessage): Promise<void>;
  recover(job: RecoverJob): Promise<void>;
}

/** SQS caps a message's delay at 15 minutes; longer waits continue through `notBefore`. */
const MAX_SQS_DELAY_SECONDS = 900;

export class SqsRelayQueue implements RelayQueue {
  readonly #client: SQSClient;
  readonly #urls: { delivery: string; deadLetter: string; fanOut: string };

  constructor(client: SQSClient, urls: { delivery: string; deadLetter: string; fanOut: string }) {
    this.#client = client;
    this.#urls = urls;
  }

  async deliver(messages: readonly DeliveryMessage[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const response = await this.#client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.#urls.delivery,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
            DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.floor(delaySeconds))),
          })),
        }),
      );
      if ((response.Failed ?? []).length > 0)
        throw new Error(`${response.Failed?.length} deliveries were not queued`);
    }
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#urls.deadLetter, MessageBody: JSON.stringify(message) }),
    );
  }

  async recover(job: RecoverJob): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#urls.fanOut, MessageBody: JSON.stringify(job) }),
    );
  }
}
