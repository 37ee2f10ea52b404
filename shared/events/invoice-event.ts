import * as z from 'zod';
import { InvoiceStatus } from '../invoice/codes.ts';
import { Invoice } from '../invoice/invoice.ts';
import { EventType } from './event-type.ts';

/**
 * Invoice events: what consumers receive on SNS, on webhooks and from GET /v1/events. How they are
 * built from a change, and how their ids are derived, is in event-envelope.ts.
 */

/** What the invoice looked like before the change (null for a first sighting). */
export const PreviousState = z
  .object({
    version: z.number().int(),
    status: InvoiceStatus,
    providerStatus: z.string().nullable(),
    authorityStatus: z.string().nullable(),
    currency: z.string().nullable(),
    subtotal: z.string().nullable(),
    tax: z.string().nullable(),
    total: z.string().nullable(),
    issuedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'PreviousInvoiceState' });
export type PreviousState = z.infer<typeof PreviousState>;

export const InvoiceEvent = z
  .object({
    id: z
      .string()
      .describe('Derived from the change: a redelivery has the same id, different content never does'),
    type: EventType,
    occurredAt: z.string().describe('When the change was observed (RFC 3339 UTC)'),
    sequence: z.number().int().positive().describe('Increases with every event of this invoice'),
    connection: z.string(),
    provider: z.string(),
    invoice: Invoice,
    previous: PreviousState.nullable(),
  })
  .meta({ id: 'InvoiceEvent' });
export type InvoiceEvent = z.infer<typeof InvoiceEvent>;

/**
 * SNS message attributes of an event, so that AWS-native consumers filter without parsing
 * bodies (`{"status": ["PAID"]}`). SNS refuses empty values, so a missing previous status is "NONE".
 */
export function messageAttributes(
  event: InvoiceEvent,
): Record<string, { DataType: 'String'; StringValue: string }> {
  const attribute = (value: string) => ({ DataType: 'String' as const, StringValue: value });
  return {
    eventType: attribute(event.type),
    status: attribute(event.invoice.status),
    previousStatus: attribute(event.previous?.status ?? 'NONE'),
    provider: attribute(event.provider),
    connection: attribute(event.connection),
  };
}
