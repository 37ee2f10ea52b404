import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { Connections } from './constructs/connections.ts';
import { Events } from './constructs/events.ts';
import type { InvoiceRelayFunction } from './constructs/invoice-relay-function.ts';
import { LookupApi } from './constructs/lookup-api.ts';
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

/** The whole product for one stage: one construct per concern, wired through their bind helpers. */
export class InvoiceRelayStack extends Stack {
  readonly storage: Storage;
  readonly events: Events;
  readonly api: LookupApi;
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
    // topic has its own, see events.ts).
    const key = new Key(this, 'DataKey', {
      description: `invoice-relay ${stage.name}: tables, queues and alarms`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(stage),
    });
    this.storage = new Storage(this, 'Storage', { stage, key });
    this.events = new Events(this, 'Events', { stage });
    const connections = new Connections(this, 'Connections', { stage });
    this.connections = connections;
    this.relay = new WebhookRelay(this, 'WebhookRelay', {
      stage,
      version,
      key,
      storage: this.storage,
      topic: this.events.topic,
    });
    this.api = new LookupApi(this, 'LookupApi', {
      stage,
      version,
      storage: this.storage,
      connections,
      relay: this.relay,
    });
    this.snapshots = new Snapshots(this, 'Snapshots', {
      stage,
      version,
      key,
      storage: this.storage,
      events: this.events,
      connections,
    });
    this.functions = [...this.api.functions, ...this.snapshots.functions, ...this.relay.functions];
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
    };
    for (const [id, [description, value]] of Object.entries(outputs))
      new CfnOutput(this, id, { description, value });
  }
}
