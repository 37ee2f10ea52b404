import * as z from 'zod';
import { ConnectionId } from '../connections/connection-id.ts';
import { EventType } from '../events/event-type.ts';
import { INVOICE_STATUSES, InvoiceStatus } from '../invoice/codes.ts';
import { commaList, pageLimit } from './request-fields.ts';

/**
 * What the invoice, event and connection routes accept: path parameters and queries (the webhook
 * routes' are webhook-requests.ts's, request bodies their concern's own, e.g.
 * shared/webhooks/webhook.ts). The handlers validate with these; what the API answers is
 * responses.ts's, which only the reference needs as schemas.
 */

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

const Statuses = commaList(InvoiceStatus, 6, INVOICE_STATUSES.join(', ')).describe(
  'Only invoices in these canonical statuses (comma list)',
);

const UpdatedSince = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z' })
  .describe('Only invoices whose stored state changed at or after this time (RFC 3339)');

const IncludeGone = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true')
  .describe('Also invoices the provider no longer lists (gone), default false');

export const InvoiceSource = z
  .enum(['live', 'snapshot', 'auto'], { error: 'must be live, snapshot or auto' })
  .default('live')
  .describe(
    'live: ask the provider now (default); snapshot: answer from the snapshot store; auto: the provider, or the snapshot when the provider is unavailable',
  );
export type InvoiceSource = z.output<typeof InvoiceSource>;

export const ListInvoicesQuery = z.strictObject({
  limit: pageLimit(100, 25).describe('Page size, 1-100 (default 25)'),
  cursor: z.string().min(1).max(4096).optional().describe('The `next` of the previous page'),
  status: Statuses.optional(),
  source: InvoiceSource,
  updatedSince: UpdatedSince.optional().describe(
    'Only invoices whose stored state changed at or after this time (RFC 3339); snapshot answers only',
  ),
  includeGone: IncludeGone.describe('Also invoices the provider no longer lists; snapshot answers only'),
});

export const GetInvoiceQuery = z.strictObject({
  include: z
    .literal('raw', { error: 'the only value is "raw"' })
    .optional()
    .describe('`raw` adds the provider record (live answers only)'),
  source: InvoiceSource,
});

export const OrderInvoicesQuery = z.strictObject({ source: InvoiceSource });

/** GET /v1/invoices: every invoice of the key's connections, from the snapshot store. */
export const TenantInvoicesQuery = z.strictObject({
  connection: commaList(ConnectionId, 100, 'connection ids')
    .optional()
    .describe('Only these connections (comma list; default every connection the key may use)'),
  status: Statuses.optional(),
  updatedSince: UpdatedSince.optional(),
  includeGone: IncludeGone,
  limit: pageLimit(500, 100).describe('Page size, 1-500 (default 100)'),
  cursor: z.string().min(1).max(4096).optional().describe('The `next` of the previous page'),
});

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
