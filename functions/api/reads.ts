import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiAccess } from '../../shared/api/api-access.ts';
import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { sourceHeaders } from '../../shared/api/source-headers.ts';
import { systemClock } from '../../shared/clock.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { ReadsEnvironment } from '../../shared/config/reads-environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { ConfiguredDirectory } from '../../shared/connections/connection-directory.ts';
import { DynamoEventLog } from '../../shared/events/dynamo-event-log.ts';
import { EventsService } from '../../shared/events/events-service.ts';
import { ConnectionStatusService } from '../../shared/lookup/connection-status.ts';
import { CursorSigner } from '../../shared/lookup/cursor.ts';
import { SnapshotAnswers } from '../../shared/lookup/snapshot-answers.ts';
import { createObservability } from '../../shared/observability.ts';
import { DynamoRunStateStore } from '../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotReader } from '../../shared/snapshot/dynamo-snapshot-reads.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { readsRoutes as routes } from '../routes/reads.ts';

/** Reads from the store: the event log, histories, snapshot reads, connection status. Never a provider. */

const environment = loadEnvironment(ReadsEnvironment);
const observability = createObservability('reads');
const table = new Table(new DynamoDBClient({}), environment.TABLE_NAME);
const secrets = createSecretSource();
const clock = systemClock;
// Never a provider: the connections' configuration and their providers' ids are all it reads.
const connections = new ConfiguredDirectory(environment.CONNECTIONS);
const cursors = new CursorSigner(() => secrets.get(environment.CURSOR_KEY));
const runs = new DynamoRunStateStore(table);
const events = new EventsService({
  connections,
  log: new DynamoEventLog(table, { retentionDays: environment.EVENT_RETENTION_DAYS }),
  cursors,
  retentionDays: environment.EVENT_RETENTION_DAYS,
  clock,
});
const snapshots = new SnapshotAnswers({
  connections,
  reader: new DynamoSnapshotReader(table, runs),
  cursors,
  clock,
});
const status = new ConnectionStatusService({ connections, runs, clock });

export const handler = createApiHandler({
  observability,
  ...createApiAccess(environment, table, clock),
  operations: [
    operation(routes.listEvents, async ({ principal, query }) => ({
      status: 200,
      body: await events.list(principal, query),
    })),
    operation(routes.invoiceHistory, async ({ principal, params }) => ({
      status: 200,
      body: { events: await events.history(principal, params.connection, params.invoiceId) },
    })),
    operation(routes.tenantInvoices, async ({ principal, query }) => {
      const connections = snapshots.grantedConnections(principal, query.connection);
      const filters = {
        statuses: query.status,
        updatedSince: query.updatedSince,
        includeGone: query.includeGone,
      };
      const answer = await snapshots.page(principal, connections, filters, {
        limit: query.limit,
        cursor: query.cursor,
      });
      return { status: 200, body: answer.body, headers: sourceHeaders(answer) };
    }),
    operation(routes.connectionSnapshot, async ({ principal, params }) => ({
      status: 200,
      body: await status.status(principal, params.connection),
    })),
  ],
});
