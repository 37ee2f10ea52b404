import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiAccess } from '../../shared/api/api-access.ts';
import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { sourceHeaders } from '../../shared/api/source-headers.ts';
import { systemClock } from '../../shared/clock.ts';
import { LookupEnvironment } from '../../shared/config/api-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { ConfiguredConnections } from '../../shared/connections/connection-registry.ts';
import { CursorSigner } from '../../shared/lookup/cursor.ts';
import { LookupService } from '../../shared/lookup/lookup-service.ts';
import { SnapshotAnswers } from '../../shared/lookup/snapshot-answers.ts';
import { createObservability } from '../../shared/observability.ts';
import { DynamoRunStateStore } from '../../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotReader } from '../../shared/snapshot/dynamo-snapshot-reads.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { DynamoWatchStore } from '../../shared/watches/dynamo-watch-store.ts';
import { WatchesService } from '../../shared/watches/watches-service.ts';
import { routes } from '../routes.ts';

/** Invoice lookups: the connection's provider in the canonical model, or the snapshot store; and watches. */

const environment = loadEnvironment(LookupEnvironment);
const observability = createObservability('lookup');
const table = new Table(new DynamoDBClient({}), environment.TABLE_NAME);
const secrets = createSecretSource();
const clock = systemClock;
const connections = new ConfiguredConnections(environment.CONNECTIONS, secrets, {
  timeoutMs: environment.UPSTREAM_TIMEOUT_MS,
  breakerHalfOpenAfterMs: environment.UPSTREAM_CIRCUIT_OPEN_SECONDS * 1000,
});
const cursors = new CursorSigner(() => secrets.get(environment.CURSOR_KEY));
const watches = new WatchesService({
  connections,
  store: new DynamoWatchStore(table),
  quota: environment.WATCH_QUOTA_PER_TENANT,
  clock,
});
const lookup = new LookupService({
  connections,
  cursors,
  clock,
  snapshots: new SnapshotAnswers({
    connections,
    reader: new DynamoSnapshotReader(table, new DynamoRunStateStore(table)),
    cursors,
    clock,
  }),
  // Providers without a list endpoint are snapshotted through what callers look up.
  watches,
});

export const handler = createApiHandler({
  observability,
  ...createApiAccess(environment, table, clock),
  operations: [
    operation(routes.listConnections, async ({ principal }) => ({
      status: 200,
      body: { connections: lookup.listConnections(principal) },
    })),
    operation(routes.listInvoices, async ({ principal, params, query }) => {
      const answer = await lookup.listInvoices(principal, params.connection, {
        ...query,
        statuses: query.status,
      });
      return { status: 200, body: answer.body, headers: sourceHeaders(answer) };
    }),
    operation(routes.getInvoice, async ({ principal, params, query }) => {
      const answer = await lookup.getInvoice(principal, params.connection, params.invoiceId, {
        includeRaw: query.include === 'raw',
        source: query.source,
      });
      return { status: 200, body: answer.body, headers: sourceHeaders(answer) };
    }),
    operation(routes.orderInvoices, async ({ principal, params, query }) => {
      const answer = await lookup.orderInvoices(principal, params.connection, params.orderId, query.source);
      return { status: 200, body: answer.body, headers: sourceHeaders(answer) };
    }),
    operation(routes.invoiceDocument, async ({ principal, params }) => {
      const document = await lookup.document(principal, params.connection, params.invoiceId);
      return document.kind === 'redirect'
        ? { status: 302, headers: { location: document.url } }
        : { status: 200, binary: document.body, contentType: document.contentType };
    }),
    operation(routes.watchInvoice, async ({ principal, params }) => {
      await watches.watch(principal, params.connection, 'invoice', params.invoiceId, true);
      return { status: 204 };
    }),
    operation(routes.unwatchInvoice, async ({ principal, params }) => {
      await watches.watch(principal, params.connection, 'invoice', params.invoiceId, false);
      return { status: 204 };
    }),
    operation(routes.watchOrder, async ({ principal, params }) => {
      await watches.watch(principal, params.connection, 'order', params.orderId, true);
      return { status: 204 };
    }),
    operation(routes.unwatchOrder, async ({ principal, params }) => {
      await watches.watch(principal, params.connection, 'order', params.orderId, false);
      return { status: 204 };
    }),
  ],
});
