import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiAccess } from '../../shared/api/api-access.ts';
import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { EventsApiEnvironment } from '../../shared/config/api-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { ConnectionRegistry } from '../../shared/connections/connection-registry.ts';
import { EventLog } from '../../shared/events/event-log.ts';
import { EventsService } from '../../shared/events/events-service.ts';
import { CursorSigner } from '../../shared/lookup/cursor.ts';
import { createObservability } from '../../shared/observability.ts';
import { WatchList } from '../../shared/snapshot/watch-list.ts';
import { routes } from '../routes.ts';

/** The event log, invoice histories and the watch list: all from DynamoDB, none from providers. */

const environment = loadEnvironment(EventsApiEnvironment);
const observability = createObservability('events');
const dynamo = new DynamoDBClient({});
const secrets = createSecretSource();
const events = new EventsService({
  connections: new ConnectionRegistry(environment.CONNECTIONS, secrets),
  log: new EventLog(dynamo, environment.TABLE_NAME, { retentionDays: environment.EVENT_RETENTION_DAYS }),
  watches: new WatchList(dynamo, environment.TABLE_NAME),
  cursors: new CursorSigner(() => secrets.get(environment.CURSOR_KEY)),
  retentionDays: environment.EVENT_RETENTION_DAYS,
});

export const handler = createApiHandler({
  observability,
  ...createApiAccess(environment, dynamo),
  operations: [
    operation(routes.listEvents, async ({ principal, query }) => ({
      status: 200,
      body: await events.list(principal, query),
    })),
    operation(routes.invoiceHistory, async ({ principal, params }) => ({
      status: 200,
      body: { events: await events.history(principal, params.connection, params.invoiceId) },
    })),
    operation(routes.watchInvoice, async ({ principal, params }) => {
      await events.watch(principal, params.connection, 'invoice', params.invoiceId, true);
      return { status: 204 };
    }),
    operation(routes.unwatchInvoice, async ({ principal, params }) => {
      await events.watch(principal, params.connection, 'invoice', params.invoiceId, false);
      return { status: 204 };
    }),
    operation(routes.watchOrder, async ({ principal, params }) => {
      await events.watch(principal, params.connection, 'order', params.orderId, true);
      return { status: 204 };
    }),
    operation(routes.unwatchOrder, async ({ principal, params }) => {
      await events.watch(principal, params.connection, 'order', params.orderId, false);
      return { status: 204 };
    }),
  ],
});
