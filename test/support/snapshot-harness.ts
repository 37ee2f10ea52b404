import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import { startLoopbackFauxqs } from '../../infra/local/fauxqs.ts';
import { sandboxConnection, sandboxTokenVariable } from '../../infra/local/local-connections.ts';
import { ensureMessaging, type LocalMessaging } from '../../infra/local/messaging.ts';
import type { SecretSource } from '../../shared/config/secrets.ts';
import type { ConnectionConfig } from '../../shared/connections/connection-config.ts';
import { ConfiguredConnections } from '../../shared/connections/connection-registry.ts';
import { DynamoEventLog } from '../../shared/events/dynamo-event-log.ts';
import { type EventPublisher, SnsEventPublisher } from '../../shared/events/event-publisher.ts';
import type { InvoiceEvent } from '../../shared/events/invoice-event.ts';
import type { ProviderId } from '../../shared/providers/registry.ts';
import type { SandboxApp } from '../../shared/sandbox/sandbox-app.ts';
import { SANDBOX_CONNECTIONS, SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import { type RunningSandbox, startSandboxServer } from '../../shared/sandbox/sandbox-server.ts';
import { DynamoRunStateStore } from '../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotStore } from '../../shared/snapshot/dynamo-snapshot-store.ts';
import {
  type RunReporter,
  type SnapshotOptions,
  SnapshotRunner,
} from '../../shared/snapshot/snapshot-runner.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { DynamoWatchStore } from '../../shared/watches/dynamo-watch-store.ts';
import { type DynamoPeer, startDynamoPeer } from './dynamo-peer.ts';

/**
 * Real peers for snapshot tests: DynamoDB (dynalite or DynamoDB Local), fauxqs for SNS/SQS and the
 * sandbox providers over HTTP. Runners are built like the worker builds them; a test may wrap the
 * publisher (a crash) or point SNS through a faulty proxy.
 */

export interface SnapshotHarness {
  dynamo: DynamoPeer;
  fauxqs: FauxqsServer;
  messaging: LocalMessaging;
  sandboxes: Map<ProviderId, SandboxApp>;
  table: Table;
  connections: ConfiguredConnections;
  snapshots: DynamoSnapshotStore;
  runs: DynamoRunStateStore;
  watches: DynamoWatchStore;
  log: DynamoEventLog;
  runner(options?: {
    publisher?: EventPublisher;
    options?: Partial<SnapshotOptions>;
    snapshots?: DynamoSnapshotStore;
    reporter?: RunReporter;
  }): SnapshotRunner;
  /** An SQS queue subscribed to the events topic, optionally with a filter policy. */
  subscribe(filterPolicy?: Record<string, unknown>): Promise<Subscription>;
  stop(): Promise<void>;
}

export interface Subscription {
  /** Every event delivered since the last drain, in arrival order (duplicates included). */
  drain(): Promise<InvoiceEvent[]>;
}

const secrets: SecretSource = {
  get: async (reference) => ('environment' in reference ? (process.env[reference.environment] ?? '') : ''),
};

export async function startSnapshotHarness(
  providers: ProviderId[],
  options: { sandboxSize?: number; apps?: Partial<Record<ProviderId, SandboxApp>> } = {},
): Promise<SnapshotHarness> {
  const dynamo = await startDynamoPeer();
  const fauxqs = await startLoopbackFauxqs();
  const messaging = await ensureMessaging(fauxqs.address);
  const sandboxes = new Map<ProviderId, SandboxApp>();
  const servers: RunningSandbox[] = [];
  const configs: ConnectionConfig[] = [];
  for (const provider of providers) {
    const app = options.apps?.[provider] ?? SANDBOXES[provider]({ size: options.sandboxSize ?? 40 });
    const server = await startSandboxServer(app);
    sandboxes.set(provider, app);
    servers.push(server);
    process.env[sandboxTokenVariable(provider)] = SANDBOX_CONNECTIONS[provider].token;
    configs.push(sandboxConnection(provider, server.url.href.replace(/\/$/, '')));
  }
  const connections = new ConfiguredConnections(configs, secrets, {
    initialDelayMs: 5,
    maxDelayMs: 20,
    retries: 1,
  });
  const table = new Table(dynamo.client, dynamo.table);
  const snapshots = new DynamoSnapshotStore(table);
  const runs = new DynamoRunStateStore(table);
  const watches = new DynamoWatchStore(table);
  const log = new DynamoEventLog(table, { retentionDays: 30, settleMs: 0 });
  let queues = 0;
  return {
    dynamo,
    fauxqs,
    messaging,
    sandboxes,
    table,
    connections,
    snapshots,
    runs,
    watches,
    log,
    runner: (choices = {}) =>
      new SnapshotRunner({
        connections,
        snapshots: choices.snapshots ?? snapshots,
        runs,
        watches,
        log,
        publisher: choices.publisher ?? new SnsEventPublisher(messaging.sns, messaging.eventsTopicArn),
        ...(choices.reporter ? { reporter: choices.reporter } : {}),
        ...(choices.options ? { options: choices.options } : {}),
      }),
    async subscribe(filterPolicy) {
      const { sqs, sns } = messaging;
      const created = await sqs.send(new CreateQueueCommand({ QueueName: `subscriber-${queues++}` }));
      const url = (created.QueueUrl ?? '').replace(/^https?:\/\/[^/]+/, fauxqs.address);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: messaging.eventsTopicArn,
          Protocol: 'sqs',
          Endpoint: Attributes?.QueueArn ?? '',
          ...(filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } } : {}),
        }),
      );
      return {
        drain: async () => {
          const received: InvoiceEvent[] = [];
          return drainQueue(sqs, url, received);
        },
      };
    },
    async stop() {
      await Promise.all(servers.map((server) => server.close()));
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
}

/** Receives until a one-second long poll comes back empty (SNS fans out to SQS asynchronously). */
async function drainQueue(sqs: SQSClient, url: string, received: InvoiceEvent[]): Promise<InvoiceEvent[]> {
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return received;
    for (const message of Messages) {
      const envelope = JSON.parse(message.Body ?? '{}') as { Message?: string };
      received.push(JSON.parse(envelope.Message ?? message.Body ?? '{}') as InvoiceEvent);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
        })),
      }),
    );
  }
}
