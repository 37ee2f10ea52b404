import type * as z from 'zod';
import { eventId, previousOf } from '../events/event-envelope.ts';
import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { Invoice } from '../invoice/invoice.ts';
import { invoiceId } from '../invoice/invoice-id.ts';
import type { DeliveryAttempt } from '../webhooks/delivery-store.ts';
import type { WebhookView } from '../webhooks/webhook.ts';
import type { ConnectionSnapshotStatus, InvoiceAnswer, WebhookWithSecret } from './responses.ts';

/**
 * The values the API reference shows as examples, each typed by its schema and written once: the
 * route docs (functions/route-docs.ts) put them on responses and request bodies, the tests parse
 * each with its schema, and the OpenAPI linter checks them against the document. Ids come from the
 * functions that make the real ones, so they look exactly like what the API returns.
 */

const connection = 'carbonext';
const remoteId = '8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd';

export const exampleInvoice: Invoice = {
  id: invoiceId(connection, remoteId),
  provider: 'carbonext',
  connection,
  remoteId,
  number: 'CX-2026-00042',
  status: 'PAID',
  providerStatus: 'Paid',
  authorityStatus: null,
  currency: 'BRL',
  subtotal: '15400',
  tax: '0',
  total: '15400',
  createdAt: '2026-03-02T09:14:05Z',
  issuedAt: '2026-03-02T09:14:05Z',
  dueAt: '2026-04-01T03:00:00Z',
  updatedAt: '2026-03-20T16:41:27.512Z',
  orderIds: ['c9dd9aca-e258-4e9a-82a7-f2a70815c193'],
  documentUrl: null,
  customer: {
    code: '6aea7d01-5062-4aa3-ae22-ecd8069d6329',
    name: 'Acme Reflorestamento Ltda',
    taxId: '12.345.678/0001-95',
    address: null,
    phone: null,
    email: 'billing@acme.example',
    nationalId: null,
    contactName: null,
    bankAccount: null,
  },
  lines: [
    {
      remoteId: 'c9dd9aca-e258-4e9a-82a7-f2a70815c193',
      description: 'Verified Carbon Units',
      quantity: '200',
      unit: 'VCU',
      unitPrice: '77',
      discount: null,
      taxRate: null,
      tax: null,
      amount: '15400',
      status: 'Billed',
      createdAt: '2026-03-02T09:14:05Z',
    },
  ],
};

const openInvoice: Invoice = { ...exampleInvoice, status: 'OPEN', providerStatus: 'Pending' };

/** The event a snapshot publishes when it sees the example invoice paid. */
export const examplePaidEvent: InvoiceEvent = {
  id: eventId({
    connection,
    remoteId,
    version: 2,
    type: 'invoice.paid',
    stateHash: 'paid',
    previousHash: 'open',
  }),
  type: 'invoice.paid',
  occurredAt: '2026-03-20T16:41:40.118Z',
  sequence: 2,
  connection,
  provider: 'carbonext',
  invoice: exampleInvoice,
  previous: previousOf(openInvoice, 1),
};

export const exampleDiscoveredEvent: InvoiceEvent = {
  id: eventId({
    connection,
    remoteId,
    version: 1,
    type: 'invoice.discovered',
    stateHash: 'open',
    previousHash: null,
  }),
  type: 'invoice.discovered',
  occurredAt: '2026-03-02T09:15:00.004Z',
  sequence: 1,
  connection,
  provider: 'carbonext',
  invoice: openInvoice,
  previous: null,
};

/** An opaque, signed position in a list (page cursors and event-log positions look like this). */
export const exampleCursor = 'eyJjIjoiY2FyYm9uZXh0IiwicCI6MiwiZSI6MTc3NDAyNjQwMH0.q8Kc1rVx0m2l5aQ3bE9wXz';

export const exampleWebhookId = 'wh_3f9a0c27d41e8b65';

export const exampleWebhook: WebhookView = {
  id: exampleWebhookId,
  url: 'https://erp.acme.example/hooks/invoice-relay',
  filter: { eventTypes: ['invoice.paid'], connections: [connection] },
  connections: [connection],
  ownerKeyId: 'key_5f1c2a9e7b30',
  description: 'Paid invoices to the ERP',
  enabled: true,
  disabledReason: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
};

export const exampleWebhookWithSecret: z.output<typeof WebhookWithSecret> = {
  ...exampleWebhook,
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export const exampleDeliveryId = 'dlv_Qm9zcWc1bUx2dTNvZ0dXd0';

export const exampleDeliveryAttempt: DeliveryAttempt = {
  deliveryId: exampleDeliveryId,
  eventId: examplePaidEvent.id,
  eventType: 'invoice.paid',
  attempt: 1,
  at: '2026-03-20T16:41:41.250Z',
  outcome: 'delivered',
  statusCode: 200,
  durationMs: 84.2,
  responseExcerpt: '{"received":true}',
  error: null,
};

/** The example invoice as the snapshot store answers it. */
export const exampleStoredInvoice: InvoiceAnswer = {
  ...exampleInvoice,
  snapshot: {
    version: 2,
    changedAt: '2026-03-20T16:41:39.902Z',
    observedAt: '2026-03-20T17:00:00.114Z',
    gone: false,
  },
};

export const exampleSnapshotStatus: ConnectionSnapshotStatus = {
  connection,
  provider: 'carbonext',
  running: false,
  lastRun: {
    startedAt: '2026-03-20T17:00:00.114Z',
    finishedAt: '2026-03-20T17:00:07.630Z',
    outcome: 'completed',
    reason: null,
    stats: { pages: 3, invoices: 250, changed: 2, events: 4, published: 4, gone: 0, quarantined: 1 },
    goneDetection: 'ran',
  },
  lastCompletedAt: '2026-03-20T17:00:07.630Z',
  lagSeconds: 112,
};
