import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type InvoiceEvent, messageAttributes } from './invoice-event.ts';

/** Where events go once recorded: the SNS topic in AWS (fauxqs locally). */
export interface EventPublisher {
  /**
   * Publishes what it can; answers the ids SNS accepted. Never throws for a failed entry.
   * `correlationId` (the snapshot run's id) travels as a message attribute into the relay's logs
   * and webhook headers.
   */
  publish(events: readonly InvoiceEvent[], correlationId?: string): Promise<Set<string>>;
}

const BATCH = 10;

/** Publishes with PublishBatch, ten at a time, with the attributes filter policies match on. */
export class SnsEventPublisher implements EventPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(events: readonly InvoiceEvent[], correlationId?: string): Promise<Set<string>> {
    const accepted = new Set<string>();
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      try {
        const response = await this.#client.send(
          new PublishBatchCommand({
            TopicArn: this.#topicArn,
            PublishBatchRequestEntries: batch.map((event, index) => ({
              Id: String(index),
              Message: JSON.stringify(event),
              MessageAttributes: {
                ...messageAttributes(event),
                ...(correlationId === undefined
                  ? {}
                  : { correlationId: { DataType: 'String', StringValue: correlationId } }),
              },
            })),
          }),
        );
        for (const entry of response.Successful ?? []) {
          const event = batch[Number(entry.Id)];
          if (event !== undefined) accepted.add(event.id);
        }
      } catch {
        // The whole batch failed (throttling, an outage): its events stay in the outbox for the next run.
      }
    }
    return accepted;
  }
}
