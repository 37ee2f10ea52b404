import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiAccess } from '../../shared/api/api-access.ts';
import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { LookupEnvironment } from '../../shared/config/api-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { createSecretSource } from '../../shared/config/secrets.ts';
import { ConnectionRegistry } from '../../shared/connections/connection-registry.ts';
import { CursorSigner } from '../../shared/lookup/cursor.ts';
import { LookupService } from '../../shared/lookup/lookup-service.ts';
import { createObservability } from '../../shared/observability.ts';
import { WatchList, watchRecorder } from '../../shared/snapshot/watch-list.ts';
import { routes } from '../routes.ts';

/** Invoice lookups: proxies the connection's provider and answers in the canonical model. */

const environment = loadEnvironment(LookupEnvironment);
const observability = createObservability('lookup');
const dynamo = new DynamoDBClient({});
const secrets = createSecretSource();
const lookup = new LookupService({
  connections: new ConnectionRegistry(environment.CONNECTIONS, secrets, {
    timeoutMs: environment.UPSTREAM_TIMEOUT_MS,
  }),
  cursors: new CursorSigner(() => secrets.get(environment.CURSOR_KEY)),
  // Providers without a list endpoint are snapshotted through what callers look up.
  watches: watchRecorder(new WatchList(dynamo, environment.TABLE_NAME)),
});

export const handler = createApiHandler({
  observability,
  ...createApiAccess(environment, dynamo),
  operations: [
    operation(routes.listConnections, async ({ principal }) => ({
      status: 200,
      body: { connections: lookup.listConnections(principal) },
    })),
    operation(routes.listInvoices, async ({ principal, params, query }) => ({
      status: 200,
      body: await lookup.listInvoices(principal, params.connection, query),
    })),
    operation(routes.getInvoice, async ({ principal, params, query }) => ({
      status: 200,
      body: await lookup.getInvoice(principal, params.connection, params.invoiceId, query.include === 'raw'),
    })),
    operation(routes.orderInvoices, async ({ principal, params }) => ({
      status: 200,
      body: { invoices: await lookup.orderInvoices(principal, params.connection, params.orderId) },
    })),
    operation(routes.invoiceDocument, async ({ principal, params }) => {
      const document = await lookup.document(principal, params.connection, params.invoiceId);
      return document.kind === 'redirect'
        ? { status: 302, headers: { location: document.url } }
        : { status: 200, binary: document.body, contentType: document.contentType };
    }),
  ],
});
