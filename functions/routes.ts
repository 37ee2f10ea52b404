import type * as z from 'zod';
import { defineRoute, type RouteSpec } from '../shared/api/route.ts';
import {
  ConnectionList,
  ConnectionPath,
  ConnectionSnapshotStatus,
  DeliveriesQuery,
  DeliveryPath,
  EventList,
  EventsQuery,
  GetInvoiceQuery,
  Health,
  History,
  InvoiceAnswer,
  InvoiceList,
  InvoicePage,
  InvoicePath,
  ListInvoicesQuery,
  NoQuery,
  OrderInvoicesQuery,
  OrderPath,
  TenantInvoicesQuery,
  WebhookPath,
} from '../shared/api/schemas.ts';
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
  reads: 'reads',
  webhooks: 'webhooks',
  docs: 'docs',
} as const satisfies Record<string, FunctionName>;

const invoicesTag = 'Invoices';

/** Every answer about invoices says where it came from. */
const SOURCE_HEADERS = {
  'invoice-source': 'live (the provider answered now) or snapshot (the snapshot store answered)',
  age: 'On snapshot answers: seconds since the store last saw that state (the oldest invoice’s, for a page)',
};

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
      'Follow `next` until it is null. A page never holds more than `limit` invoices. With `status`, each upstream page is filtered, so a page may hold fewer than `limit` invoices while `next` is set; `skipped` counts provider records that could not be read. `source=snapshot` answers from the snapshot store (also for providers without a list endpoint: their followed invoices), with `updatedSince` and `includeGone`; `source=auto` asks the provider and answers from the store while the provider is unavailable. Cursors are signed, bound to the connection, the key’s tenant and the query, and expire after 24 hours.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: ListInvoicesQuery,
    responses: { 200: { description: 'A page of invoices', schema: InvoicePage, headers: SOURCE_HEADERS } },
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
    responses: { 200: { description: 'The invoice', schema: InvoiceAnswer, headers: SOURCE_HEADERS } },
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
    query: OrderInvoicesQuery,
    responses: { 200: { description: 'The order’s invoices', schema: InvoiceList, headers: SOURCE_HEADERS } },
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
  tenantInvoices: defineRoute({
    method: 'GET',
    path: '/v1/invoices',
    function: FUNCTIONS.reads,
    operationId: 'listTenantInvoices',
    summary: 'Every invoice of the connections this key may use, from the snapshot store',
    description:
      'Ordered by when each invoice’s stored state changed, oldest first. For an incremental sync, remember when you started reading, follow `next` until it is null, and next time pass that moment as `updatedSince`: a change stored while you page lands after your position, so you meet it later in this read or in the next one. Invoices changed in the last couple of seconds appear on the next call. Cursors are bound to the key’s tenant and to the query.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    query: TenantInvoicesQuery,
    responses: {
      200: { description: 'A page of stored invoices', schema: InvoicePage, headers: SOURCE_HEADERS },
    },
  }),
  connectionSnapshot: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/snapshot',
    function: FUNCTIONS.reads,
    operationId: 'getConnectionSnapshotStatus',
    summary: 'How the connection’s snapshots are doing',
    description:
      'The last run (when, how it ended, what it read, changed and quarantined) and how long ago the last complete walk ended.',
    tag: 'Connections',
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: NoQuery,
    responses: { 200: { description: 'Snapshot health', schema: ConnectionSnapshotStatus } },
  }),
  listEvents: defineRoute({
    method: 'GET',
    path: '/v1/events',
    function: FUNCTIONS.reads,
    operationId: 'listEvents',
    summary: 'The event log, oldest first',
    description:
      'Every invoice event of the connections this key may use, in the order they were logged (not the order they occurred: an event published late, after a crash, appears after what you already read); within one invoice, `sequence` orders its events. Keep `next` and pass it as `after` to catch up after downtime; events stay for the retention period. One call examines a bounded part of the log, so a call may answer fewer events than `limit` (even none) while more follow: keep calling with `next`. Events logged in the last couple of seconds appear on the next call.',
    tag: 'Events',
    auth: 'api-key',
    scope: 'events:read',
    query: EventsQuery,
    responses: { 200: { description: 'Events and where to continue', schema: EventList } },
  }),
  invoiceHistory: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/history',
    function: FUNCTIONS.reads,
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
      'Deliveries are POSTs signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), retried with backoff for about a day and a half, then dead-lettered (recoverable). Targets must be public https URLs on port 443 or 1024-65535. The endpoint receives the events of the connections in its filter (default: every connection this key may use); the key becomes its owner, and what it receives always stays within the owner key’s current grant.',
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
      description:
        'Every secret a rotation replaces keeps signing deliveries for 24 hours, so a receiver can switch without a gap, even after several rotations in a day (at most 4 replaced secrets sign at once; 409 beyond that).',
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
      description:
        'Queues a re-send of every logged event since `since` that the endpoint may receive now and its filter matches. One recover per endpoint per cooldown (10 minutes by default; 429 with Retry-After before that).',
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
    function: FUNCTIONS.lookup,
    operationId,
    summary,
    description:
      'For providers without a list endpoint (vn-einvoice, orders-api), snapshots follow what tenants watch. A watch belongs to the key’s tenant: removing it leaves other tenants’ watches of the same invoice in place. Adding one asks the provider whether the invoice or order exists (404 when it does not), and each tenant may hold a limited number per connection (409 when the quota is used up). Invoices and orders the lookup API returns are watched automatically, within the same quota.',
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
