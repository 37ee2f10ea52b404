import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { Connections } from './constructs/connections.ts';
import { Events } from './constructs/events.ts';
import { Functions } from './constructs/functions.ts';
import type { InvoiceRelayFunction } from './constructs/invoice-relay-function.ts';
import { PublicApi } from './constructs/public-api.ts';
import { removalPolicyOf } from './constructs/removal.ts';
import { Snapshots } from './constructs/snapshots.ts';
import { Storage } from './constructs/storage.ts';
import { WebhookRelay } from './constructs/webhook-relay.ts';
import type { StageConfig } from './stage-config.ts';

export interface InvoiceRelayStackProps extends StackProps {
  stage: StageConfig;
  /** Reported by GET /health and in logs. */
  version: string;
}

/**
 * The whole product for one stage: the resources of each concern, every function of the catalog
 * bound to what its bindings name (constructs/function-bindings.ts), then what triggers each:
 * routes, queues and schedules.
 */
export class InvoiceRelayStack extends Stack {
  readonly storage: Storage;
  readonly events: Events;
  readonly api: PublicApi;
  readonly snapshots: Snapshots;
  readonly relay: WebhookRelay;
  readonly alarms: Alarms;
  readonly connections: Connections;
  /** Every function of the stack. */
  readonly functions: InvoiceRelayFunction[];

  constructor(scope: Construct, id: string, props: InvoiceRelayStackProps) {
    // The stage names its region (customer-managed table encryption needs a concrete one).
    super(scope, id, { ...props, env: { region: props.stage.region, ...props.env } });
    const { stage, version } = props;
    Tags.of(this).add('application', 'invoice-relay');
    Tags.of(this).add('stage', stage.name);

    // One customer-managed key for the data at rest: tables, queues, the alarm topic (the events
    // topic and the webhook secrets have keys of their own, see events.ts and webhook-relay.ts).
    const key = new Key(this, 'DataKey', {
      description: `invoice-relay ${stage.name}: tables, queues and alarms`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(stage),
    });
    this.storage = new Storage(this, 'Storage', { stage, key });
    this.events = new Events(this, 'Events', { stage });
    this.connections = new Connections(this, 'Connections', { stage });
    this.snapshots = new Snapshots(this, 'Snapshots', { stage, key });
    this.relay = new WebhookRelay(this, 'WebhookRelay', { stage, key, topic: this.events.topic });

    const functions = new Functions(this, 'Functions', {
      stage,
      version,
      resources: {
        storage: this.storage,
        connections: this.connections,
        eventsTopic: this.events.topic,
        queues: {
          snapshotWork: this.snapshots.work.queue,
          webhookFanOut: this.relay.fanOut.queue,
          webhookDelivery: this.relay.delivery.queue,
          webhookDeadLetters: this.relay.delivery.deadLetterQueue,
        },
        secretsKey: this.relay.secretsKey,
      },
    });
    this.functions = functions.all;
    this.snapshots.wire(functions.get('snapshotDispatcher'), functions.get('snapshotWorker'));
    this.relay.wire({
      fanOut: functions.get('relayFanOut'),
      delivery: functions.get('relayDelivery'),
      reconciler: functions.get('relayReconciler'),
    });
    this.api = new PublicApi(this, 'Api', {
      stage,
      functions: {
        lookup: functions.get('lookup'),
        reads: functions.get('reads'),
        webhooks: functions.get('webhooks'),
        docs: functions.get('docs'),
      },
    });
    this.alarms = new Alarms(this, 'Alarms', {
      stage,
      key,
      functions: this.functions,
      deadLetterQueues: {
        SnapshotWork: this.snapshots.work.deadLetterQueue,
        WebhookFanOut: this.relay.fanOut.deadLetterQueue,
        WebhookDelivery: this.relay.delivery.deadLetterQueue,
      },
      api: this.api.stageResource,
    });

    const outputs: Record<string, [description: string, value: string]> = {
      ApiUrl: ['Base URL of the HTTP API', this.api.api.apiEndpoint],
      EventsTopicArn: [
        'Subscribe here for invoice events (filter on eventType, status, connection…)',
        this.events.topic.topicArn,
      ],
      AlarmTopicArn: ['Alarm notifications', this.alarms.topic.topicArn],
      TableName: ['DynamoDB table (npx invoice-relay keys … --table)', this.storage.table.tableName],
      WebhookDeadLetterQueueUrl: [
        'Dead-lettered webhook deliveries',
        this.relay.delivery.deadLetterQueue.queueUrl,
      ],
      WebhookSecretsKeyArn: [
        'Seals webhook secrets (npx invoice-relay migrate … --secrets-key)',
        this.relay.secretsKey.keyArn,
      ],
    };
    for (const [id, [description, value]] of Object.entries(outputs))
      new CfnOutput(this, id, { description, value });
  }
}
