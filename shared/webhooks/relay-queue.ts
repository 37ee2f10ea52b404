import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sendMessages } from '../storage/sqs.ts';
import type { DeliveryMessage, RecoverJob } from './relay-messages.ts';

/** The queues between the relay's functions (the messages they carry: relay-messages.ts). */

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
