import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { WEBHOOK_DELIVERY_QUEUE, WEBHOOK_FANOUT_QUEUE } from '../../shared/storage/messaging.ts';
import type { StageConfig } from '../stage-config.ts';
import { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { QueueWithDeadLetters } from './queue-with-dead-letters.ts';
import type { Storage } from './storage.ts';

export interface WebhookRelayProps {
  stage: StageConfig;
  version: string;
  key: IKey;
  storage: Storage;
  /** The invoice events topic the relay subscribes to. */
  topic: ITopic;
}

/**
 * Webhooks for consumers outside AWS: topic → fan-out queue (raw delivery) → fan-out function
 * (one delivery per matching endpoint) → delivery queue → delivery function (signed POSTs,
 * retries through message visibility, dead letters to the delivery DLQ).
 */
export class WebhookRelay extends Construct {
  readonly fanOut: QueueWithDeadLetters;
  readonly delivery: QueueWithDeadLetters;
  readonly functions: InvoiceRelayFunction[];

  constructor(scope: Construct, id: string, props: WebhookRelayProps) {
    super(scope, id);
    const { stage, storage } = props;
    this.fanOut = new QueueWithDeadLetters(this, 'FanOut', {
      spec: WEBHOOK_FANOUT_QUEUE,
      stage,
      key: props.key,
    });
    this.delivery = new QueueWithDeadLetters(this, 'Delivery', {
      spec: WEBHOOK_DELIVERY_QUEUE,
      stage,
      key: props.key,
    });
    // Raw delivery: the queue gets the event envelope itself, the same bytes the fan-out parses locally.
    props.topic.addSubscription(new SqsSubscription(this.fanOut.queue, { rawMessageDelivery: true }));

    const fanOutFunction = new InvoiceRelayFunction(this, 'FanOutFunction', {
      name: 'relayFanOut',
      stage,
      version: props.version,
    });
    storage.bindTable(fanOutFunction);
    this.fanOut.consumeWith(fanOutFunction);
    this.delivery.bindSender(fanOutFunction, 'WEBHOOK_DELIVERY_QUEUE_URL');

    const deliveryFunction = new InvoiceRelayFunction(this, 'DeliveryFunction', {
      name: 'relayDelivery',
      stage,
      version: props.version,
    });
    storage.bindTable(deliveryFunction);
    storage.bindIdempotency(deliveryFunction);
    // Retries go back on the delivery queue; the last failure goes to its dead letters.
    this.delivery.consumeWith(deliveryFunction, stage.webhooks.deliveryConcurrency);
    this.delivery.bindSender(deliveryFunction, 'WEBHOOK_DELIVERY_QUEUE_URL');
    this.delivery.bindDeadLetterSender(deliveryFunction, 'WEBHOOK_DEAD_LETTER_QUEUE_URL');

    this.functions = [fanOutFunction, deliveryFunction];
  }

  /** The webhooks API queues tests and retries for delivery, and recover jobs for the fan-out. */
  bindApi(fn: InvoiceRelayFunction): void {
    this.delivery.bindSender(fn, 'WEBHOOK_DELIVERY_QUEUE_URL');
    this.fanOut.bindSender(fn, 'WEBHOOK_FANOUT_QUEUE_URL');
  }
}
