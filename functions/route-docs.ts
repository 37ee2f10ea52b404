import {
  exampleCursor,
  exampleDeliveryAttempt,
  exampleDeliveryId,
  exampleDiscoveredEvent,
  exampleInvoice,
  examplePaidEvent,
  exampleSnapshotStatus,
  exampleStoredInvoice,
  exampleWebhook,
  exampleWebhookWithSecret,
} from '../shared/api/examples.ts';
import {
  Accepted,
  ConnectionList,
  ConnectionSnapshotStatus,
  DeliveryList,
  EventList,
  Health,
  History,
  InvoiceAnswer,
  InvoiceList,
  InvoicePage,
  OpenApiDocument,
  RotatedSecret,
  WebhookList,
  WebhookWithSecret,
} from '../shared/api/responses.ts';
import { type DocumentedRoute, jsonResponse, type RouteDocsOf } from '../shared/api/route.ts';
import { WebhookView } from '../shared/webhooks/webhook.ts';
import { type RouteName, routes } from './routes.ts';

/**
 * What the reference (GET /docs, GET /openapi.json) says of every route of the route table
 * (routes.ts), under the route's key: a `summary` (one line, the table of contents), a
 * `description` (markdown: what a caller needs beyond the summary), a `tag` from TAGS, each JSON
 * answer written with `jsonResponse(description, schema, example)` and, with a `body`, a
 * `bodyExample`. Examples are typed by their schemas and live in shared/api/examples.ts when
 * several routes share them. Only the docs function and the tests import this module: the answers'
 * schemas and examples are built there and nowhere else.
 */

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
  Service: 'Health, this reference and the OpenAPI document it is rendered from, and the web console.',
} as const satisfies Record<string, string>;
type Tag = keyof typeof TAGS;

/** Every answer about invoices says where it came from. */
const SOURCE_HEADERS = {
  'invoice-source': 'live (the provider answered now) or snapshot (the snapshot store answered)',
  age: 'On snapshot answers: seconds since the store last saw that state (the oldest invoice’s, for a page)',
};

type Docs<R extends RouteName> = RouteDocsOf<(typeof routes)[R]> & { tag: Tag };

export const ROUTE_DOCS: { [R in RouteName]: Docs<R> } = {
  health: {
    summary: 'Liveness',
    description: 'Answers 200 with the deployed version. Needs no API key.',
    tag: 'Service',
    responses: {
      200: jsonResponse('The service answers', Health, { status: 'ok', version: '0.1.0' }),
    },
  },
  openapi: {
    summary: 'This API as an OpenAPI 3.1 document',
    description:
      'Generated from the same route table and zod schemas that validate every request, so it cannot drift from what the API does. Feed it to a client generator (openapi-typescript, openapi-generator) or a linter.',
    tag: 'Service',
    responses: {
      200: jsonResponse('OpenAPI 3.1 document', OpenApiDocument, {
        openapi: '3.1.0',
        info: { title: 'invoice-relay', version: '0.1.0' },
        paths: { '/health': { get: { operationId: 'health' } } },
      }),
    },
  },
  docs: {
    summary: 'A readable reference of this API',
    description:
      'This page: the OpenAPI document rendered with request and response schemas and examples, served by the API itself (no third-party site is contacted). `GET /` redirects here.',
    tag: 'Service',
    responses: { 200: { description: 'HTML reference', contentType: 'text/html' } },
  },
  console: {
    summary: 'The web console',
    description:
      'A page for people: sign in with an API key to see its connections and their snapshot health, search invoices, follow the event log live and manage webhook endpoints and their deliveries. It is a client of this API and nothing more: it shows and allows exactly what the key does, keeps the key in the tab’s session storage and sends it only as `Authorization: Bearer` to this origin. Its files are under `/console/assets/`, served by the API itself (no third-party site is contacted).',
    tag: 'Service',
    responses: { 200: { description: 'The console page', contentType: 'text/html' } },
  },
  listConnections: {
    summary: 'The connections this API key may use, and what each can do',
    description:
      'A connection is one account at one provider. `operations` says which lookups it supports: `list` (pages of invoices), `get` (one invoice), `order-invoices` (the invoices of an order) and `document` (the PDF). Operations a provider lacks answer 501.',
    tag: 'Connections',
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
  },
  listInvoices: {
    summary: 'One page of a connection’s invoices',
    description:
      'Follow `next` until it is null. A page never holds more than `limit` invoices. With `status`, each upstream page is filtered, so a page may hold fewer than `limit` invoices while `next` is set; `skipped` counts provider records that could not be read. `source=snapshot` answers from the snapshot store (also for providers without a list endpoint: their followed invoices), with `updatedSince` and `includeGone`; `source=auto` asks the provider and answers from the store while the provider is unavailable. Cursors are signed, bound to the connection, the key’s tenant and the query, and expire after 24 hours.',
    tag: 'Invoices',
    responses: {
      200: jsonResponse(
        'A page of invoices',
        InvoicePage,
        { invoices: [exampleInvoice], next: exampleCursor, skipped: 0 },
        SOURCE_HEADERS,
      ),
    },
  },
  getInvoice: {
    summary: 'One invoice, by canonical id or the provider’s id',
    description:
      'Read live from the provider and normalized. `include=raw` adds the provider’s own record under `raw`, for fields the canonical invoice does not carry. For providers without a list endpoint, an invoice read here is watched from then on (see Watches).',
    tag: 'Invoices',
    responses: { 200: jsonResponse('The invoice', InvoiceAnswer, exampleInvoice, SOURCE_HEADERS) },
  },
  orderInvoices: {
    summary: 'The invoices of one order',
    description:
      'For providers that file invoices under orders (`order-invoices` in the connection’s operations). An empty list means the order has no invoices yet. For providers without a list endpoint, an order read here is watched from then on.',
    tag: 'Invoices',
    responses: {
      200: jsonResponse(
        'The order’s invoices',
        InvoiceList,
        { invoices: [exampleInvoice], skipped: 0 },
        SOURCE_HEADERS,
      ),
    },
  },
  invoiceDocument: {
    summary: 'The invoice document (PDF)',
    description:
      'Redirects to the document when the provider’s link works without our credentials; otherwise fetches it for you.',
    tag: 'Invoices',
    responses: {
      200: { description: 'The document', contentType: 'application/pdf' },
      302: { description: 'Where the document is', headers: { location: 'URL of the document' } },
    },
  },
  tenantInvoices: {
    summary: 'Every invoice of the connections this key may use, from the snapshot store',
    description:
      'Ordered by when each invoice’s stored state changed, oldest first. For an incremental sync, remember when you started reading, follow `next` until it is null, and next time pass that moment as `updatedSince`: a change stored while you page lands after your position, so you meet it later in this read or in the next one. Invoices changed in the last couple of seconds appear on the next call. Cursors are bound to the key’s tenant and to the query.',
    tag: 'Invoices',
    responses: {
      200: jsonResponse(
        'A page of stored invoices',
        InvoicePage,
        { invoices: [exampleStoredInvoice], next: exampleCursor, skipped: 0 },
        SOURCE_HEADERS,
      ),
    },
  },
  connectionSnapshot: {
    summary: 'How the connection’s snapshots are doing',
    description:
      'The last run (when, how it ended, what it read, changed and quarantined) and how long ago the last complete walk ended.',
    tag: 'Connections',
    responses: { 200: jsonResponse('Snapshot health', ConnectionSnapshotStatus, exampleSnapshotStatus) },
  },
  listEvents: {
    summary: 'The event log, oldest first',
    description:
      'Every invoice event of the connections this key may use, in the order they were logged (not the order they occurred: an event published late, after a crash, appears after what you already read); within one invoice, `sequence` orders its events. Keep `next` and pass it as `after` to catch up after downtime; events stay for the retention period. One call examines a bounded part of the log, so a call may answer fewer events than `limit` (even none) while more follow: keep calling with `next`. Events logged in the last couple of seconds appear on the next call.',
    tag: 'Events',
    responses: {
      200: jsonResponse('Events and where to continue', EventList, {
        events: [exampleDiscoveredEvent, examplePaidEvent],
        next: exampleCursor,
        caughtUp: true,
      }),
    },
  },
  invoiceHistory: {
    summary: 'The events of one invoice, oldest first',
    description:
      'What the snapshots saw happen to this invoice, from its discovery on, each event with the invoice as it was then and its previous state. Empty until a snapshot has seen the invoice.',
    tag: 'Events',
    responses: {
      200: jsonResponse('The invoice’s events', History, {
        events: [exampleDiscoveredEvent, examplePaidEvent],
      }),
    },
  },
  watchInvoice: watchDocs('PUT', 'Snapshot this invoice from now on'),
  unwatchInvoice: watchDocs('DELETE', 'Stop snapshotting this invoice'),
  watchOrder: watchDocs('PUT', 'Snapshot this order’s invoices from now on'),
  unwatchOrder: watchDocs('DELETE', 'Stop snapshotting this order’s invoices'),
  createWebhook: {
    summary: 'Register an endpoint for invoice events',
    description:
      'Deliveries are POSTs signed per [Standard Webhooks](https://www.standardwebhooks.com/) (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff for about a day and a half, then dead-lettered (recoverable). The `filter` narrows what is sent: event types, statuses the invoice is now in, connections (default: every connection this key may use). The registering key becomes the endpoint’s owner: what it receives always stays within the owner key’s current grant. Targets must be public https URLs on port 443 or 1024-65535 (locally, `ALLOW_PRIVATE_WEBHOOK_TARGETS=true` allows loopback and http).',
    tag: 'Webhooks',
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
  },
  listWebhooks: {
    summary: 'The endpoints of this key’s tenant',
    description:
      'Every endpoint registered by any key of this tenant, enabled or not. Secrets are never listed: they are shown once, when registered or rotated.',
    tag: 'Webhooks',
    responses: { 200: jsonResponse('Endpoints', WebhookList, { webhooks: [exampleWebhook] }) },
  },
  getWebhook: {
    summary: 'One endpoint',
    description:
      'Its URL, filter and state. `disabledReason` says why deliveries stopped: the endpoint answered 410, kept failing for 5 days, or was disabled through the API.',
    tag: 'Webhooks',
    responses: { 200: jsonResponse('The endpoint', WebhookView, exampleWebhook) },
  },
  updateWebhook: {
    summary: 'Change an endpoint’s URL, filter or state',
    description:
      'Send only what changes; at least one field. A new `filter` replaces the old one whole. `enabled: true` turns a disabled endpoint back on with a fresh start (its failure streak is forgotten); `enabled: false` stops deliveries until then.',
    tag: 'Webhooks',
    bodyExample: { filter: { eventTypes: ['invoice.paid', 'invoice.voided'] }, enabled: true },
    responses: {
      200: jsonResponse('The endpoint', WebhookView, {
        ...exampleWebhook,
        filter: { eventTypes: ['invoice.paid', 'invoice.voided'] },
        updatedAt: '2026-03-21T08:30:00.000Z',
      }),
    },
  },
  deleteWebhook: {
    summary: 'Remove an endpoint',
    description: 'Deliveries stop at once; attempts already queued for it are dropped.',
    tag: 'Webhooks',
    responses: { 204: { description: 'Removed' } },
  },
  rotateWebhookSecret: {
    summary: 'A new signing secret',
    description:
      'For 24 hours every delivery carries a signature with each secret a rotation replaced as well as the new one, so a receiver can switch without missing a delivery, even after several rotations in a day (at most 4 replaced secrets sign at once; 409 beyond that). The new secret is shown this once.',
    tag: 'Webhooks',
    responses: {
      200: jsonResponse('The new secret; the ones it replaces sign for 24 more hours', RotatedSecret, {
        secret: 'whsec_c2VjcmV0LXJvdGF0ZWQtZm9yLXRoZS1leGFtcGxl',
        previousSecretValidUntil: '2026-03-22T08:30:00.000Z',
      }),
    },
  },
  testWebhook: {
    summary: 'Send a webhook.test event now',
    description:
      'Queues a `webhook.test` event to this endpoint only, whatever its filter, signed like every delivery. Follow it in the delivery log with the `deliveryId`.',
    tag: 'Webhooks',
    responses: {
      202: jsonResponse('Queued', Accepted, { deliveryId: 'dlv_n4bQgYhMfWWaL-qgxVrQFa' }),
    },
  },
  listDeliveries: {
    summary: 'Delivery attempts, newest first',
    description:
      'Each attempt with its outcome, the status code the endpoint answered, how long it took and the first bytes of its answer. Page with `cursor` (the previous page’s `next`).',
    tag: 'Webhooks',
    responses: {
      200: jsonResponse('Attempts', DeliveryList, { attempts: [exampleDeliveryAttempt], next: null }),
    },
  },
  retryDelivery: {
    summary: 'Send one delivery again, from its first attempt',
    description:
      'For a delivery that failed or was dead-lettered: the same event (same `webhook-id`, so receivers deduplicate) is sent again with a fresh retry schedule.',
    tag: 'Webhooks',
    responses: { 202: jsonResponse('Queued', Accepted, { deliveryId: exampleDeliveryId }) },
  },
  recoverWebhook: {
    summary: 'Re-send every matching event since a time',
    description:
      'After an outage on the receiving side: every event of the event log since `since` that the endpoint may receive now (its owner key’s current grant) and its filter matches is delivered again, oldest first, with the ids it had. One recover per endpoint per cooldown (10 minutes by default; 429 with Retry-After before that).',
    tag: 'Webhooks',
    bodyExample: { since: '2026-03-20T00:00:00Z' },
    responses: { 202: jsonResponse('Queued', Accepted, {}) },
  },
};

/** The watch routes' words differ only by whether they add or remove. */
function watchDocs(method: 'PUT' | 'DELETE', summary: string) {
  return {
    summary,
    description:
      method === 'PUT'
        ? 'For providers without a list endpoint (vn-einvoice, orders-api), snapshots follow what tenants watch; from the next run on, changes to what is watched become events. A watch belongs to the key’s tenant. Adding one asks the provider whether the invoice or order exists (404 when it does not), and each tenant may hold a limited number per connection (409 when the quota is used up). Invoices and orders the lookup API returns are watched automatically, within the same quota. Watching twice is the same as once; a connection that can be listed answers 400.'
        : 'Snapshots stop following it for this tenant from the next run on; other tenants’ watches of the same invoice stay, and its history stays. Removing a watch that does not exist succeeds too.',
    tag: 'Watches' as const,
    responses: { 204: { description: method === 'PUT' ? 'Watched' : 'No longer watched' } },
  };
}

/** Every route with what the reference says of it, in the route table's order. */
export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = (Object.keys(routes) as RouteName[]).map(
  (name) => ({ ...routes[name], ...ROUTE_DOCS[name] }),
);
