import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  deadLetterName,
  EVENTS_TOPIC,
  type QueueSpec,
  SNAPSHOT_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_FANOUT_QUEUE,
} from '../../shared/storage/messaging.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb.ts';

/** The product's topic and queues in fauxqs, created from the same specs as the CDK stack's. */

export interface LocalQueue {
  url: string;
  arn: string;
  deadLetterUrl: string;
}

export interface LocalMessaging {
  sns: SNSClient;
  sqs: SQSClient;
  eventsTopicArn: string;
  snapshotQueue: LocalQueue;
  fanOutQueue: LocalQueue;
  deliveryQueue: LocalQueue;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
}

/**
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/…`, a host that does not resolve here;
 * it finds queues by path, so the same queue is reached at fauxqs' own address.
 */
function reachable(url: string | undefined, endpoint: string): string {
  return (url ?? '').replace(/^https?:\/\/[^/]+/, endpoint.replace(/\/$/, ''));
}

export async function ensureQueue(sqs: SQSClient, endpoint: string, spec: QueueSpec): Promise<LocalQueue> {
  const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: deadLetterName(spec) }));
  const deadLetterUrl = reachable(deadLetter.QueueUrl, endpoint);
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: spec.name,
      Attributes: {
        VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: await queueArn(sqs, deadLetterUrl),
          maxReceiveCount: spec.maxReceiveCount,
        }),
      },
    }),
  );
  const url = reachable(QueueUrl, endpoint);
  return { url, arn: await queueArn(sqs, url), deadLetterUrl };
}

export function localClients(endpoint: string) {
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return { sns: new SNSClient(config), sqs: new SQSClient(config) };
}

export async function ensureMessaging(endpoint: string): Promise<LocalMessaging> {
  const { sns, sqs } = localClients(endpoint);
  const topic = await sns.send(new CreateTopicCommand({ Name: EVENTS_TOPIC.name }));
  const eventsTopicArn = topic.TopicArn ?? '';
  const fanOutQueue = await ensureQueue(sqs, endpoint, WEBHOOK_FANOUT_QUEUE);
  // The relay hears every event through its own queue, raw (the event itself as the body).
  const { Subscriptions = [] } = await sns.send(
    new ListSubscriptionsByTopicCommand({ TopicArn: eventsTopicArn }),
  );
  if (!Subscriptions.some((subscription) => subscription.Endpoint === fanOutQueue.arn)) {
    await sns.send(
      new SubscribeCommand({
        TopicArn: eventsTopicArn,
        Protocol: 'sqs',
        Endpoint: fanOutQueue.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  }
  return {
    sns,
    sqs,
    eventsTopicArn,
    snapshotQueue: await ensureQueue(sqs, endpoint, SNAPSHOT_QUEUE),
    fanOutQueue,
    deliveryQueue: await ensureQueue(sqs, endpoint, WEBHOOK_DELIVERY_QUEUE),
  };
}
