import * as z from 'zod';
import { ConnectionId } from '../connections/connection-config.ts';
import { EventType, InvoiceEvent } from '../events/invoice-event.ts';
import { Invoice, InvoiceStatus } from '../invoice/invoice.ts';
import { OPERATIONS } from '../providers/provider.ts';

/** Request and response shapes of the HTTP API, beyond the canonical model itself. */

/** A path segment naming an invoice: our canonical id or the provider's own id. */
export const InvoiceIdParameter = z
  .string()
  .min(1)
  .max(512)
  .describe("The canonical invoice id (inv_…) or the provider's own id")
  .meta({ examples: ['8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd'] });

export const OrderIdParameter = z
  .string()
  .min(1)
  .max(256)
  .describe("The provider's order id")
  .meta({ examples: ['c9dd9aca-e258-4e9a-82a7-f2a70815c193'] });

/** A connection in a path; the examples are the local sandboxes' connection ids. */
const ConnectionParameter = ConnectionId.meta({ examples: ['carbonext'] });

export const ConnectionPath = z.strictObject({ connection: ConnectionParameter });
export const InvoicePath = z.strictObject({
  connection: ConnectionParameter,
  invoiceId: InvoiceIdParameter,
});
export const OrderPath = z.strictObject({ connection: ConnectionParameter, orderId: OrderIdParameter });

/** Routes without query parameters still refuse unknown ones, so that typos do not pass silently. */
export const NoQuery = z.strictObject({});

/** A page size from 1 to `max`, with one message for every way to get it wrong. */
function pageLimit(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
}

export const ListInvoicesQuery = z.strictObject({
  limit: pageLimit(100, 25).describe('Page size, 1-100 (default 25)'),
  cursor: z.string().min(1).max(4096).optional().describe('The `next` of the previous page'),
  status: InvoiceStatus.optional().describe('Only invoices in this canonical status'),
});

export const GetInvoiceQuery = z.strictObject({
  include: z
    .literal('raw', { error: 'the only value is "raw"' })
    .optional()
    .describe('`raw` adds the provider record'),
});

export const ConnectionSummary = z
  .object({
    id: z.string(),
    provider: z.string(),
    operations: z.array(z.enum(OPERATIONS)).describe('What this connection can do'),
  })
  .meta({ id: 'Connection' });

export const ConnectionList = z
  .object({ connections: z.array(ConnectionSummary) })
  .meta({ id: 'ConnectionList' });

export const InvoiceList = z.object({ invoices: z.array(Invoice) }).meta({ id: 'InvoiceList' });

export const Health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

export const EventsQuery = z.strictObject({
  after: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('The `next` of the previous call; absent: the oldest retained event'),
  type: EventType.optional().describe('Only events of this type'),
  connection: ConnectionId.optional().describe('Only events of this connection'),
  limit: pageLimit(500, 100).describe('Events per call, 1-500 (default 100)'),
});

export const EventList = z
  .object({
    events: z.array(InvoiceEvent),
    next: z.string().describe('Pass as `after` to continue; keep it to catch up later'),
  })
  .meta({ id: 'EventList' });

export const History = z.object({ events: z.array(InvoiceEvent) }).meta({ id: 'InvoiceHistory' });

export const WebhookPath = z.strictObject({
  webhookId: z
    .string()
    .regex(/^wh_[0-9a-f]{16}$/, 'must be a webhook id like wh_0123456789abcdef')
    .describe('The endpoint’s id, as registering it answered')
    .meta({ examples: ['wh_3f9a0c27d41e8b65'] }),
});

export const DeliveryPath = WebhookPath.extend({
  deliveryId: z
    .string()
    .regex(/^dlv_[A-Za-z0-9_-]{22}$/, 'must be a delivery id like dlv_…')
    .describe('A delivery’s id, from the delivery log or a test’s answer')
    .meta({ examples: ['dlv_Qm9zcWc1bUx2dTNvZ0dXd0'] }),
});

export const DeliveriesQuery = z.strictObject({
  limit: pageLimit(100, 50).describe('Attempts per page, 1-100 (default 50)'),
  cursor: z.string().min(1).max(512).optional().describe('The `next` of the previous page'),
});

/**
 * The OpenAPI document as far as clients rely on it; the rest of its fields pass through. Only
 * documents GET /openapi.json: the document is generated, never parsed.
 */
export const OpenApiDocument = z
  .looseObject({
    openapi: z.string().describe('The OpenAPI version, 3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document' });
