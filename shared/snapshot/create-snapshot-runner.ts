import type { SNSClient } from '@aws-sdk/client-sns';
import { systemClock } from '../clock.ts';
import type { SecretSource } from '../config/secrets.ts';
import type { SnapshotEnvironment } from '../config/snapshot-environment.ts';
import { ConfiguredConnections } from '../connections/connection-registry.ts';
import { DynamoEventLog } from '../events/dynamo-event-log.ts';
import { type EventPublisher, SnsEventPublisher } from '../events/event-publisher.ts';
import type { Table } from '../storage/dynamo.ts';
import { DynamoWatchStore } from '../watches/dynamo-watch-store.ts';
import { DynamoRunStateStore } from './dynamo-run-state.ts';
import { DynamoSnapshotStore } from './dynamo-snapshot-store.ts';
import { type RunReporter, SnapshotRunner } from './snapshot-runner.ts';

/** The snapshot runner as the worker function builds it, from its environment and clients. */
export function createSnapshotRunner(
  environment: SnapshotEnvironment,
  parts: { table: Table; sns: SNSClient; secrets: SecretSource; reporter: RunReporter },
  publisher: EventPublisher = new SnsEventPublisher(parts.sns, environment.EVENTS_TOPIC_ARN),
): SnapshotRunner {
  const { table } = parts;
  return new SnapshotRunner({
    connections: new ConfiguredConnections(environment.CONNECTIONS, parts.secrets, {
      timeoutMs: environment.UPSTREAM_TIMEOUT_MS,
    }),
    snapshots: new DynamoSnapshotStore(table),
    runs: new DynamoRunStateStore(table),
    watches: new DynamoWatchStore(table),
    log: new DynamoEventLog(table, { retentionDays: environment.EVENT_RETENTION_DAYS }),
    publisher,
    clock: systemClock,
    reporter: parts.reporter,
    options: {
      leaseMs: environment.SNAPSHOT_LEASE_SECONDS * 1000,
      pageSize: environment.SNAPSHOT_PAGE_SIZE,
      safetyMarginMs: environment.SNAPSHOT_SAFETY_MARGIN_SECONDS * 1000,
    },
  });
}
