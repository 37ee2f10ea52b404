import type * as z from 'zod';
import {
  exampleCursor,
  exampleDeliveryAttempt,
  exampleDeliveryId,
  exampleDiscoveredEvent,
  exampleInvoice,
  examplePaidEvent,
  exampleWebhook,
  exampleWebhookWithSecret,
} from '../shared/api/examples.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../shared/api/route.ts';
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
  OpenApiDocument,
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
 *
 * Every route is also its own reference entry (GET /docs): a `summary` (one line, the table of
 * contents), a `description` (markdown: what a caller needs beyond the summary), a `tag` from
 * TAGS, each JSON response written with `jsonResponse(description, schema, example)` and, with a
 * `body`, a `bodyExample`. Examples are typed by their schemas and live in shared/api/examples.ts
 * when several routes share them. The OpenAPI test lints the document and fails on a route
 * without them.
 */

import type { FunctionName } from './catalog.ts';

/** The functions that serve routes (see catalog.ts). */
export const FUNCTIONS = {
  lookup: 'lookup',
  events: 'events',
  webhooks: 'webhooks',
  docs: 'docs',
} as const satisfies Record<string, FunctionName>;

/** The reference's sections, in this order; every route's `tag` is one of these. */
export const TAGS = {
  Connections: 'The provider accounts this API key may use, and what each of them supports.',
  Invoices:
    'Invoices read live from the provider, normalized into one canonical shape whatever the provider’s format, status vocabulary, time zones or money representation.',
  Events:
    'Every change the snapshots find, as an event: the tenant-wide event log to catch up after downtime, and the history of one invoice.',
  Watches:
    'What snapshots follow for providers without a list endpoint (vn-einvoice, orders-api): an invoice or an order once watched is snapshotted on every run.',
  Webhooks:
    'Endpoints that receive invoice events as signed POSTs (Standard Webhooks), with retries, a delivery log, replays and secret rotation.',
  Service: 'Health, this reference and the OpenAPI document it is rendered from.',
} as const satisfies Record<string, string>;
type Tag = keyof typeof TAGS;

const invoicesTag: Tag = 'Invoices';

export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    function: FUNCTIONS.docs,
    operationId: 'health',
    summary: 'Liveness',
    description: 'Answers 200 with the deployed version. Needs no API key.',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: {
      200: jsonResponse('The service answers', Health, { status: 'ok', version: '0.1.0' }),
    },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    function: FUNCTIONS.docs,
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    description:
      'Generated from the same route table and zod schemas that validate every request, so it cannot drift from what the API does. Feed it to a client generator (openapi-typescript, openapi-generator) or a linter.',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: {
      200: jsonResponse('OpenAPI 3.1 document', OpenApiDocument, {
        openapi: '3.1.0',
        info: { title: 'invoice-relay', version: '0.1.0' },
        paths: { '/health': { get: { operationId: 'health' } } },
      }),
    },
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/docs',
    function: FUNCTIONS.docs,
    operationId: 'docs',
    summary: 'A readable reference of this API',
    description:
      'This page: the OpenAPI document rendered with request and response schemas and examples, served by the API itself (no third-party site is contacted). `GET /` redirects here.',
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
    description:
      'A connection is one account at one provider. `operations` says which lookups it supports: `list` (pages of invoices), `get` (one invoice), `order-invoices` (the invoices of an order) and `document` (the PDF). Operations a provider lacks answer 501.',
    tag: 'Connections',
    auth: 'api-key',
    scope: 'invoices:read',
    query: NoQuery,
    responses: {
      200: jsonResponse('Connections', ConnectionList, {
        connections: [
          { id: 'carbonext', provider: 'carbonext', operations: ['list', 'get'] },
          { id: 'orders-api', provider: 'orders-api', operations: ['order-invoices'] },
          {
            id: 'pretendentas',
            provider: 'pretendentas',
            operations: ['list', 'get', 'order-invoices', 'document'],
          },
        ],
      }),
    },
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
    responses: {
      200: jsonResponse('A page of invoices', InvoicePage, {
        invoices: [exampleInvoice],
        next: exampleCursor,
      }),
    },
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoice',
    summary: 'One invoice, by canonical id or the provider’s id',
    description:
      'Read live from the provider and normalized. `include=raw` adds the provider’s own record under `raw`, for fields the canonical invoice does not carry. For providers without a list endpoint, an invoice read here is watched from then on (see Watches).',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: GetInvoiceQuery,
    responses: { 200: jsonResponse('The invoice', Invoice, exampleInvoice) },
  }),
  orderInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/orders/{orderId}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listOrderInvoices',
    summary: 'The invoices of one order',
    description:
      'For providers that file invoices under orders (`order-invoices` in the connection’s operations). An empty list means the order has no invoices yet. For providers without a list endpoint, an order read here is watched from then on.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: OrderPath,
    query: NoQuery,
    responses: {
      200: jsonResponse('The order’s invoices', InvoiceList, { invoices: [exampleInvoice] }),
    },
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
      'Every invoice event of the connections this key may use, in the order they were logged (within one invoice, `sequence` orders them). Keep `next` and pass it as `after` to catch up after downtime; events stay for the retention period. Events logged in the last couple of seconds appear on the next call.',
    tag: 'Events',
    auth: 'api-key',
    scope: 'events:read',
    query: EventsQuery,
    responses: {
      200: jsonResponse('Events and where to continue', EventList, {
        events: [exampleDiscoveredEvent, examplePaidEvent],
        next: exampleCursor,
      }),
    },
  }),
  invoiceHistory: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/history',
    function: FUNCTIONS.events,
    operationId: 'getInvoiceHistory',
    summary: 'The events of one invoice, oldest first',
    description:
      'What the snapshots saw happen to this invoice, from its discovery on, each event with the invoice as it was then and its previous state. Empty until a snapshot has seen the invoice.',
    tag: 'Events',
    auth: 'api-key',
    scope: 'events:read',
    params: InvoicePath,
    query: NoQuery,
    responses: {
      200: jsonResponse('The invoice’s events', History, {
        events: [exampleDiscoveredEvent, examplePaidEvent],
      }),
    },
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
    bodyExample: {
      url: exampleWebhook.url,
      filter: { eventTypes: ['invoice.paid'], connections: ['carbonext'] },
      description: 'Paid invoices to the ERP',
    },
    responses: {
      201: jsonResponse(
        'Registered; the secret is shown this once',
        WebhookWithSecret,
        exampleWebhookWithSecret,
      ),
    },
    description:
      'Deliveries are POSTs signed per [Standard Webhooks](https://www.standardwebhooks.com/) (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff for about a day and a half, then dead-lettered (recoverable). The `filter` narrows what is sent: event types, statuses the invoice is now in, connections; an empty filter sends everything this key may see. Targets must be public https URLs (locally, `ALLOW_PRIVATE_WEBHOOK_TARGETS=true` allows loopback and http).',
  }),
  listWebhooks: webhookRoute('GET', '', 'listWebhooks', 'The endpoints of this key’s tenant', {
    params: undefined,
    query: NoQuery,
    responses: { 200: jsonResponse('Endpoints', WebhookList, { webhooks: [exampleWebhook] }) },
    description:
      'Every endpoint registered by any key of this tenant, enabled or not. Secrets are never listed: they are shown once, when registered or rotated.',
  }),
  getWebhook: webhookRoute('GET', '/{webhookId}', 'getWebhook', 'One endpoint', {
    params: WebhookPath,
    query: NoQuery,
    responses: { 200: jsonResponse('The endpoint', WebhookView, exampleWebhook) },
    description:
      'Its URL, filter and state. `disabledReason` says why deliveries stopped: the endpoint answered 410, kept failing for 5 days, or was disabled through the API.',
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
      bodyExample: { filter: { eventTypes: ['invoice.paid', 'invoice.voided'] }, enabled: true },
      responses: {
        200: jsonResponse('The endpoint', WebhookView, {
          ...exampleWebhook,
          filter: { eventTypes: ['invoice.paid', 'invoice.voided'] },
          updatedAt: '2026-03-21T08:30:00.000Z',
        }),
      },
      description:
        'Send only what changes; at least one field. A new `filter` replaces the old one whole. `enabled: true` turns a disabled endpoint back on with a fresh start (its failure streak is forgotten); `enabled: false` stops deliveries until then.',
    },
  ),
  deleteWebhook: webhookRoute('DELETE', '/{webhookId}', 'deleteWebhook', 'Remove an endpoint', {
    params: WebhookPath,
    query: NoQuery,
    responses: { 204: { description: 'Removed' } },
    description: 'Deliveries stop at once; attempts already queued for it are dropped.',
  }),
  rotateWebhookSecret: webhookRoute(
    'POST',
    '/{webhookId}/rotate-secret',
    'rotateWebhookSecret',
    'A new signing secret',
    {
      params: WebhookPath,
      query: NoQuery,
      responses: {
        200: jsonResponse('The new secret; both sign for 24 hours', RotatedSecret, {
          secret: 'whsec_c2VjcmV0LXJvdGF0ZWQtZm9yLXRoZS1leGFtcGxl',
          previousSecretValidUntil: '2026-03-22T08:30:00.000Z',
        }),
      },
      description:
        'For 24 hours every delivery carries a signature with each secret, so a receiver can switch to the new one without missing a delivery. The new secret is shown this once.',
    },
  ),
  testWebhook: webhookRoute('POST', '/{webhookId}/test', 'testWebhook', 'Send a webhook.test event now', {
    params: WebhookPath,
    query: NoQuery,
    responses: {
      202: jsonResponse('Queued', Accepted, { deliveryId: 'dlv_n4bQgYhMfWWaL-qgxVrQFa' }),
    },
    description:
      'Queues a `webhook.test` event to this endpoint only, whatever its filter, signed like every delivery. Follow it in the delivery log with the `deliveryId`.',
  }),
  listDeliveries: webhookRoute(
    'GET',
    '/{webhookId}/deliveries',
    'listWebhookDeliveries',
    'Delivery attempts, newest first',
    {
      params: WebhookPath,
      query: DeliveriesQuery,
      responses: {
        200: jsonResponse('Attempts', DeliveryList, { attempts: [exampleDeliveryAttempt], next: null }),
      },
      description:
        'Each attempt with its outcome, the status code the endpoint answered, how long it took and the first bytes of its answer. Page with `cursor` (the previous page’s `next`).',
    },
  ),
  retryDelivery: webhookRoute(
    'POST',
    '/{webhookId}/deliveries/{deliveryId}/retry',
    'retryWebhookDelivery',
    'Send one delivery again, from its first attempt',
    {
      params: DeliveryPath,
      query: NoQuery,
      responses: { 202: jsonResponse('Queued', Accepted, { deliveryId: exampleDeliveryId }) },
      description:
        'For a delivery that failed or was dead-lettered: the same event (same `webhook-id`, so receivers deduplicate) is sent again with a fresh retry schedule.',
    },
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
      bodyExample: { since: '2026-03-20T00:00:00Z' },
      responses: { 202: jsonResponse('Queued', Accepted, {}) },
      description:
        'After an outage on the receiving side: every event of the event log since `since` that matches the endpoint’s filter is delivered again, oldest first, with the ids it had.',
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
  parts: Pick<
    RouteSpec<P, Q, B, 'api-key'>,
    'params' | 'query' | 'body' | 'bodyExample' | 'description' | 'responses'
  >,
) {
  return defineRoute<'api-key', P, Q, B>({
    method,
    path: `/v1/webhooks${suffix}`,
    function: FUNCTIONS.webhooks,
    operationId,
    summary,
    tag: 'Webhooks',
    auth: 'api-key',
    scope: 'webhooks:write',
    ...parts,
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
      method === 'PUT'
        ? 'For providers without a list endpoint (vn-einvoice, orders-api), snapshots follow a watch list; from the next run on, changes to what is watched become events. Invoices and orders the lookup API returns are watched automatically. Watching twice is the same as once; a connection that can be listed answers 400.'
        : 'Snapshots stop following it from the next run on; its history stays. Removing a watch that does not exist succeeds too.',
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
