import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { WEBHOOK_DELIVERY_QUEUE, WEBHOOK_FANOUT_QUEUE } from '../../shared/storage/messaging.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { QueueWithDeadLetters } from './queue-with-dead-letters.ts';
import { removalPolicyOf } from './removal.ts';
import { ScheduledInvoke } from './scheduled-invoke.ts';

export interface WebhookRelayProps {
  stage: StageConfig;
  key: IKey;
  /** The invoice events topic the relay subscribes to. */
  topic: ITopic;
}

/**
 * Webhooks for consumers outside AWS: topic → fan-out queue (raw delivery) → fan-out function
 * (one delivery per eligible endpoint) → delivery queue → delivery function (signed POSTs, retries
 * as fresh delayed messages, dead letters to the delivery DLQ); a reconciler on a schedule queues
 * deliveries whose message was lost. Signing secrets are sealed with a key of their own, which
 * only the webhooks API (to seal) and the delivery function (to open) may use.
 */
export class WebhookRelay extends Construct {
  readonly fanOut: QueueWithDeadLetters;
  readonly delivery: QueueWithDeadLetters;
  readonly secretsKey: Key;
  readonly #stage: StageConfig;
  reconcile: ScheduledInvoke | undefined;

  constructor(scope: Construct, id: string, props: WebhookRelayProps) {
    super(scope, id);
    const { stage } = props;
    this.#stage = stage;
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
    this.secretsKey = new Key(this, 'SecretsKey', {
      description: `invoice-relay ${stage.name}: seals webhook signing secrets`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(stage),
    });
  }

  /** The fan-out and delivery functions consume their queues; the reconciler runs every 5 minutes. */
  wire(functions: {
    fanOut: InvoiceRelayFunction;
    delivery: InvoiceRelayFunction;
    reconciler: InvoiceRelayFunction;
  }): void {
    this.fanOut.consumeWith(functions.fanOut);
    this.delivery.consumeWith(functions.delivery, this.#stage.webhooks.deliveryConcurrency);
    this.reconcile = new ScheduledInvoke(this, 'Reconcile', {
      stage: this.#stage,
      target: functions.reconciler,
      every: Duration.minutes(5),
      description: 'queue webhook deliveries whose message was lost',
    });
  }
}
