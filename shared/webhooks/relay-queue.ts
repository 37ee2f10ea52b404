import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { sendMessages } from '../storage/sqs.ts';

/**
 * Messages between the relay's functions, and the queues that carry them. Every message names
 * its kind; the functions parse them with these schemas (Powertools batch parser), so a message
 * that is not one of them fails, is retried and ends in the queue's dead-letter queue, never
 * silently dropped.
 */

export const DeliveryMessage = z.strictObject({
  kind: z.literal('delivery'),
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

/**
 * What the fan-out queue carries: invoice events from the topic (raw delivery: the envelope
 * itself, whose `type` says what it is, so it needs no tag of its own) and recover jobs.
 */
export const FanOutMessage = z.union([RecoverJob, InvoiceEvent]);
export type FanOutMessage = z.infer<typeof FanOutMessage>;

export interface RelayQueue {
  /** Queues deliveries, each a fresh message (so waiting never counts toward the receive limit). */
  deliver(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<void>;
  deadLetter(message: DeliveryMessage): Promise<void>;
  recover(job: RecoverJob): Promise<void>;
}

/** SQS caps a message's delay at 15 minutes; longer waits continue through `notBefore`. */
export const MAX_SQS_DELAY_SECONDS = 900;

/**
 * Each function names only the queues it sends to (and is granted only those): the fan-out sends
 * deliveries, the delivery function also dead letters, the webhooks API also recover jobs.
 */
export interface RelayQueueUrls {
  delivery: string;
  deadLetter?: string;
  fanOut?: string;
}

export class SqsRelayQueue implements RelayQueue {
  readonly #client: SQSClient;
  readonly #urls: RelayQueueUrls;

  constructor(client: SQSClient, urls: RelayQueueUrls) {
    this.#client = client;
    this.#urls = urls;
  }

  async deliver(messages: readonly DeliveryMessage[], delaySeconds = 0): Promise<void> {
    await sendMessages(
      this.#client,
      this.#urls.delivery,
      messages.map((message) => JSON.stringify(message)),
      Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.floor(delaySeconds))),
    );
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: required(this.#urls.deadLetter, 'dead-letter'),
        MessageBody: JSON.stringify(message),
      }),
    );
  }

  async recover(job: RecoverJob): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: required(this.#urls.fanOut, 'fan-out'),
        MessageBody: JSON.stringify(job),
      }),
    );
  }
}

function required(url: string | undefined, queue: string): string {
  if (url === undefined) throw new Error(`this function was not given the ${queue} queue`);
  return url;
}
