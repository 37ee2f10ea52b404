import type * as z from 'zod';
import {
  ConnectionPath,
  DeliveriesQuery,
  DeliveryPath,
  EventsQuery,
  GetInvoiceQuery,
  InvoicePath,
  ListInvoicesQuery,
  NoQuery,
  OrderInvoicesQuery,
  OrderPath,
  TenantInvoicesQuery,
  WebhookPath,
} from '../shared/api/requests.ts';
import { defineRoute, type RouteSpec } from '../shared/api/route.ts';
import { CreateWebhook, RecoverDeliveries, UpdateWebhook } from '../shared/webhooks/webhook.ts';
import type { FunctionName } from './catalog.ts';

/**
 * The route table: every route of the HTTP API, once, with what it accepts. API Gateway routes
 * (infra/), the local runtime's router and each function's dispatch and validation read it.
 * `function` names the Lambda that serves the route (one per concern).
 *
 * What the reference says of each route (summary, description, tag, its answers with examples)
 * is route-docs.ts's, under the same key: the answers' schemas and examples are built only by the
 * docs function and the tests, never at a handler's cold start. The OpenAPI test lints the
 * document and fails on a route without them.
 */

/** The functions that serve routes (see catalog.ts). */
export const FUNCTIONS = {
  lookup: 'lookup',
  reads: 'reads',
  webhooks: 'webhooks',
  docs: 'docs',
} as const satisfies Record<string, FunctionName>;

export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    function: FUNCTIONS.docs,
    operationId: 'health',
    auth: 'none',
    query: NoQuery,
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    function: FUNCTIONS.docs,
    operationId: 'openapi',
    auth: 'none',
    query: NoQuery,
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/docs',
    function: FUNCTIONS.docs,
    operationId: 'docs',
    auth: 'none',
    query: NoQuery,
  }),
  listConnections: defineRoute({
    method: 'GET',
    path: '/v1/connections',
    function: FUNCTIONS.lookup,
    operationId: 'listConnections',
    auth: 'api-key',
    scope: 'invoices:read',
    query: NoQuery,
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: ListInvoicesQuery,
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoice',
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: GetInvoiceQuery,
  }),
  orderInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/orders/{orderId}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listOrderInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    params: OrderPath,
    query: OrderInvoicesQuery,
  }),
  invoiceDocument: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/document',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoiceDocument',
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: NoQuery,
  }),
  tenantInvoices: defineRoute({
    method: 'GET',
    path: '/v1/invoices',
    function: FUNCTIONS.reads,
    operationId: 'listTenantInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    query: TenantInvoicesQuery,
  }),
  connectionSnapshot: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/snapshot',
    function: FUNCTIONS.reads,
    operationId: 'getConnectionSnapshotStatus',
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: NoQuery,
  }),
  listEvents: defineRoute({
    method: 'GET',
    path: '/v1/events',
    function: FUNCTIONS.reads,
    operationId: 'listEvents',
    auth: 'api-key',
    scope: 'events:read',
    query: EventsQuery,
  }),
  invoiceHistory: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/history',
    function: FUNCTIONS.reads,
    operationId: 'getInvoiceHistory',
    auth: 'api-key',
    scope: 'events:read',
    params: InvoicePath,
    query: NoQuery,
  }),
  watchInvoice: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'watchInvoice',
  ),
  unwatchInvoice: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'unwatchInvoice',
  ),
  watchOrder: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'watchOrder',
  ),
  unwatchOrder: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'unwatchOrder',
  ),
  createWebhook: webhookRoute('POST', '', 'createWebhook', {
    params: undefined,
    query: NoQuery,
    body: CreateWebhook,
  }),
  listWebhooks: webhookRoute('GET', '', 'listWebhooks', {
    params: undefined,
    query: NoQuery,
  }),
  getWebhook: webhookRoute('GET', '/{webhookId}', 'getWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  updateWebhook: webhookRoute('PATCH', '/{webhookId}', 'updateWebhook', {
    params: WebhookPath,
    query: NoQuery,
    body: UpdateWebhook,
  }),
  deleteWebhook: webhookRoute('DELETE', '/{webhookId}', 'deleteWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  rotateWebhookSecret: webhookRoute('POST', '/{webhookId}/rotate-secret', 'rotateWebhookSecret', {
    params: WebhookPath,
    query: NoQuery,
  }),
  testWebhook: webhookRoute('POST', '/{webhookId}/test', 'testWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  listDeliveries: webhookRoute('GET', '/{webhookId}/deliveries', 'listWebhookDeliveries', {
    params: WebhookPath,
    query: DeliveriesQuery,
  }),
  retryDelivery: webhookRoute('POST', '/{webhookId}/deliveries/{deliveryId}/retry', 'retryWebhookDelivery', {
    params: DeliveryPath,
    query: NoQuery,
  }),
  recoverWebhook: webhookRoute('POST', '/{webhookId}/recover', 'recoverWebhook', {
    params: WebhookPath,
    query: NoQuery,
    body: RecoverDeliveries,
  }),
} satisfies Record<string, RouteSpec>;

/** Webhook routes share their base path, function and scope. */
function webhookRoute<
  P extends z.ZodObject<z.ZodRawShape> | undefined,
  Q extends z.ZodObject<z.ZodRawShape>,
  B extends z.ZodType | undefined = undefined,
>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  suffix: string,
  operationId: string,
  parts: Pick<RouteSpec<P, Q, B, 'api-key'>, 'params' | 'query' | 'body'>,
) {
  return defineRoute<'api-key', P, Q, B>({
    method,
    path: `/v1/webhooks${suffix}`,
    function: FUNCTIONS.webhooks,
    operationId,
    auth: 'api-key',
    scope: 'webhooks:write',
    ...parts,
  });
}

/** The four watch routes differ only in method, path and parameters. */
function watchRoute<P extends typeof InvoicePath | typeof OrderPath>(
  method: 'PUT' | 'DELETE',
  path: string,
  params: P,
  operationId: string,
) {
  return defineRoute({
    method,
    path,
    function: FUNCTIONS.lookup,
    operationId,
    auth: 'api-key',
    scope: 'watches:write',
    params,
    query: NoQuery,
  });
}

export type RouteName = keyof typeof routes;

export const ROUTES: readonly RouteSpec[] = Object.values(routes);

/** Routes served by one function. */
export function routesOf(functionName: string): RouteSpec[] {
  return ROUTES.filter((route) => route.function === functionName);
}
