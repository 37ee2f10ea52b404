import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SecretSource } from '../config/secrets.ts';
import type { SnapshotEnvironment } from '../config/snapshot-environment.ts';
import { ConnectionRegistry } from '../connections/connection-registry.ts';
import { EventLog } from '../events/event-log.ts';
import { type EventPublisher, SnsEventPublisher } from '../events/event-publisher.ts';
import { RunStateStore } from './run-state.ts';
import { SnapshotRunner } from './snapshot-runner.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { WatchList } from './watch-list.ts';

/** The snapshot runner as the worker function builds it, from its environment and clients. */
export function createSnapshotRunner(
  environment: SnapshotEnvironment,
  clients: { dynamo: DynamoDBClient; sns: SNSClient; secrets: SecretSource },
  publisher: EventPublisher = new SnsEventPublisher(clients.sns, environment.EVENTS_TOPIC_ARN),
): SnapshotRunner {
  const table = environment.TABLE_NAME;
  return new SnapshotRunner({
    connections: new ConnectionRegistry(environment.CONNECTIONS, clients.secrets, {
      timeoutMs: environment.UPSTREAM_TIMEOUT_MS,
    }),
    snapshots: new SnapshotStore(clients.dynamo, table),
    runs: new RunStateStore(clients.dynamo, table),
    watches: new WatchList(clients.dynamo, table),
    log: new EventLog(clients.dynamo, table, { retentionDays: environment.EVENT_RETENTION_DAYS }),
    publisher,
    options: {
      leaseMs: environment.SNAPSHOT_LEASE_SECONDS * 1000,
      pageSize: environment.SNAPSHOT_PAGE_SIZE,
      safetyMarginMs: environment.SNAPSHOT_SAFETY_MARGIN_SECONDS * 1000,
    },
  });
}
