import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import { removalPolicyOf } from './removal.ts';

export interface EventsProps {
  stage: StageConfig;
}

/**
 * The invoice events topic. Every message carries the attributes eventType, status,
 * previousStatus, provider and connection (shared/events/event-publisher.ts), so subscribers
 * choose with a filter policy. The topic policy refuses plain HTTP and lets the stage's subscriber
 * accounts (besides this one) subscribe.
 *
 * The topic has a key of its own: the queues subscribed to it are encrypted with the stack's data
 * key, whose policy names this topic, so sharing that key would make each wait for the other.
 */
export class Events extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `invoice-relay ${props.stage.name}: invoice events topic`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(props.stage),
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: `invoice-relay ${props.stage.name}: invoice events`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.stage.events.subscriberAccounts.length > 0) {
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'SubscriberAccounts',
          principals: props.stage.events.subscriberAccounts.map((account) => new AccountPrincipal(account)),
          actions: ['sns:Subscribe'],
          resources: [this.topic.topicArn],
        }),
      );
    }
  }
}
