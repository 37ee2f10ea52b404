import type * as z from 'zod';
import { defineRoute, type RouteSpec } from '../shared/api/route.ts';
import {
  ConnectionList,
  ConnectionPath,
  DeliveriesQuery,
  DeliveryPath,
  EventList,
  EventsQuery,
  GetInvoiceQuery,
  Health,
  History,
  InvoiceList,
  InvoicePath,
  ListInvoicesQuery,
  NoQuery,
  OrderPath,
  WebhookPath,
} from '../shared/api/schemas.ts';
import { Invoice, InvoicePage } from '../shared/invoice/invoice.ts';
import {
  Accepted,
  CreateWebhook,
  DeliveryList,
  RecoverDeliveries,
  RotatedSecret,
  UpdateWebhook,
  WebhookList,
  WebhookView,
  WebhookWithSecret,
} from '../shared/webhooks/webhook.ts';

/**
 * The route table: every route of the HTTP API, once. API Gateway routes (infra/), the local
 * runtime's router, each function's dispatch and validation, and the OpenAPI document all read it.
 * `function` names the Lambda that serves the route (one per concern).
 */

import type { FunctionName } from './catalog.ts';

/** The functions that serve routes (see catalog.ts). */
export const FUNCTIONS = {
  lookup: 'lookup',
  events: 'events',
  webhooks: 'webhooks',
  docs: 'docs',
} as const satisfies Record<string, FunctionName>;

const invoicesTag = 'Invoices';

export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    function: FUNCTIONS.docs,
    operationId: 'health',
    summary: 'Liveness',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'The service answers', schema: Health } },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    function: FUNCTIONS.docs,
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/docs',
    function: FUNCTIONS.docs,
    operationId: 'docs',
    summary: 'A readable reference of this API',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'HTML reference', contentType: 'text/html' } },
  }),
  listConnections: defineRoute({
    method: 'GET',
    path: '/v1/connections',
    function: FUNCTIONS.lookup,
    operationId: 'listConnections',
    summary: 'The connections this API key may use, and what each can do',
    tag: 'Connections',
    auth: 'api-key',
    scope: 'invoices:read',
    query: NoQuery,
    responses: { 200: { description: 'Connections', schema: ConnectionList } },
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listInvoices',
    summary: 'One page of a connection’s invoices',
    description:
      'Follow `next` until it is null. With `status`, each upstream page is filtered, so a page may hold fewer than `limit` invoices while `next` is set. Cursors are signed, bound to the connection and expire after 24 hours.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: ListInvoicesQuery,
    responses: { 200: { description: 'A page of invoices', schema: InvoicePage } },
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoice',
    summary: 'One invoice, by canonical id or the provider’s id',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: GetInvoiceQuery,
    responses: { 200: { description: 'The invoice', schema: Invoice } },
  }),
  orderInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/orders/{orderId}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listOrderInvoices',
    summary: 'The invoices of one order',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: OrderPath,
    query: NoQuery,
    responses: { 200: { description: 'The order’s invoices', schema: InvoiceList } },
  }),
  invoiceDocument: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/document',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoiceDocument',
    summary: 'The invoice document (PDF)',
    description:
      'Redirects to the document when the provider’s link works without our credentials; otherwise fetches it for you.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: NoQuery,
    responses: {
      200: { description: 'The document', contentType: 'application/pdf' },
      302: { description: 'Where the document is', headers: { location: 'URL of the document' } },
    },
  }),
  listEvents: defineRoute({
    method: 'GET',
    path: '/v1/events',
    function: FUNCTIONS.events,
    operationId: 'listEvents',
    summary: 'The event log, oldest first',
    description:
      'Every invoice event of the connections this key may use, in the order they were logged. Keep `next` and pass it as `after` to catch up after downtime; events stay for the retention period. Events logged in the last couple of seconds appear on the next call.',
    tag: 'Events',
    auth: 'api-key',
    scope: 'events:read',
    query: EventsQuery,
    responses: { 200: { description: 'Events and where to continue', schema: EventList } },
  }),
  invoiceHistory: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/history',
    function: FUNCTIONS.events,
    operationId: 'getInvoiceHistory',
    summary: 'The events of one invoice, oldest first',
    tag: 'Events',
    auth: 'api-key',
    scope: 'events:read',
    params: InvoicePath,
    query: NoQuery,
    responses: { 200: { description: 'The invoice’s events', schema: History } },
  }),
  watchInvoice: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'watchInvoice',
    'Snapshot this invoice from now on',
  ),
  unwatchInvoice: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'unwatchInvoice',
    'Stop snapshotting this invoice',
  ),
  watchOrder: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'watchOrder',
    'Snapshot this order’s invoices from now on',
  ),
  unwatchOrder: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'unwatchOrder',
    'Stop snapshotting this order’s invoices',
  ),
  createWebhook: webhookRoute('POST', '', 'createWebhook', 'Register an endpoint for invoice events', {
    params: undefined,
    query: NoQuery,
    body: CreateWebhook,
    responses: {
      201: { description: 'Registered; the secret is shown this once', schema: WebhookWithSecret },
    },
    description:
      'Deliveries are POSTs signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), retried with backoff for about a day and a half, then dead-lettered (recoverable). Targets must be public https URLs.',
  }),
  listWebhooks: webhookRoute('GET', '', 'listWebhooks', 'The endpoints of this key’s tenant', {
    params: undefined,
    query: NoQuery,
    responses: { 200: { description: 'Endpoints', schema: WebhookList } },
  }),
  getWebhook: webhookRoute('GET', '/{webhookId}', 'getWebhook', 'One endpoint', {
    params: WebhookPath,
    query: NoQuery,
    responses: { 200: { description: 'The endpoint', schema: WebhookView } },
  }),
  updateWebhook: webhookRoute(
    'PATCH',
    '/{webhookId}',
    'updateWebhook',
    'Change an endpoint’s URL, filter or state',
    {
      params: WebhookPath,
      query: NoQuery,
      body: UpdateWebhook,
      responses: { 200: { description: 'The endpoint', schema: WebhookView } },
    },
  ),
  deleteWebhook: webhookRoute('DELETE', '/{webhookId}', 'deleteWebhook', 'Remove an endpoint', {
    params: WebhookPath,
    query: NoQuery,
    responses: { 204: { description: 'Removed' } },
  }),
  rotateWebhookSecret: webhookRoute(
    'POST',
    '/{webhookId}/rotate-secret',
    'rotateWebhookSecret',
    'A new signing secret',
    {
      params: WebhookPath,
      query: NoQuery,
      responses: { 200: { description: 'The new secret; both sign for 24 hours', schema: RotatedSecret } },
    },
  ),
  testWebhook: webhookRoute('POST', '/{webhookId}/test', 'testWebhook', 'Send a webhook.test event now', {
    params: WebhookPath,
    query: NoQuery,
    responses: { 202: { description: 'Queued', schema: Accepted } },
  }),
  listDeliveries: webhookRoute(
    'GET',
    '/{webhookId}/deliveries',
    'listWebhookDeliveries',
    'Delivery attempts, newest first',
    {
      params: WebhookPath,
      query: DeliveriesQuery,
      responses: { 200: { description: 'Attempts', schema: DeliveryList } },
    },
  ),
  retryDelivery: webhookRoute(
    'POST',
    '/{webhookId}/deliveries/{deliveryId}/retry',
    'retryWebhookDelivery',
    'Send one delivery again, from its first attempt',
    { params: DeliveryPath, query: NoQuery, responses: { 202: { description: 'Queued', schema: Accepted } } },
  ),
  recoverWebhook: webhookRoute(
    'POST',
    '/{webhookId}/recover',
    'recoverWebhook',
    'Re-send every matching event since a time',
    {
      params: WebhookPath,
      query: NoQuery,
      body: RecoverDeliveries,
      responses: { 202: { description: 'Queued', schema: Accepted } },
    },
  ),
} satisfies Record<string, RouteSpec>;

/** Webhook routes share their base path, function, scope and tag. */
function webhookRoute<
  P extends z.ZodObject<z.ZodRawShape> | undefined,
  Q extends z.ZodObject<z.ZodRawShape>,
  B extends z.ZodType | undefined = undefined,
>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  suffix: string,
  operationId: string,
  summary: string,
  parts: { params: P; query: Q; body?: B; description?: string; responses: RouteSpec['responses'] },
) {
  return defineRoute<'api-key', P, Q, B>({
    method,
    path: `/v1/webhooks${suffix}`,
    function: FUNCTIONS.webhooks,
    operationId,
    summary,
    ...(parts.description === undefined ? {} : { description: parts.description }),
    tag: 'Webhooks',
    auth: 'api-key',
    scope: 'webhooks:write',
    params: parts.params,
    query: parts.query,
    ...(parts.body === undefined ? {} : { body: parts.body }),
    responses: parts.responses,
  });
}

/** The four watch routes differ only in method, path and words. */
function watchRoute<P extends typeof InvoicePath | typeof OrderPath>(
  method: 'PUT' | 'DELETE',
  path: string,
  params: P,
  operationId: string,
  summary: string,
) {
  return defineRoute({
    method,
    path,
    function: FUNCTIONS.events,
    operationId,
    summary,
    description:
      'For providers without a list endpoint (vn-einvoice, orders-api), snapshots follow a watch list. Invoices and orders the lookup API returns are watched automatically.',
    tag: 'Watches',
    auth: 'api-key',
    scope: 'watches:write',
    params,
    query: NoQuery,
    responses: { 204: { description: method === 'PUT' ? 'Watched' : 'No longer watched' } },
  });
}

export const ROUTES: readonly RouteSpec[] = Object.values(routes);

/** Routes served by one function. */
export function routesOf(functionName: string): RouteSpec[] {
  return ROUTES.filter((route) => route.function === functionName);
}
