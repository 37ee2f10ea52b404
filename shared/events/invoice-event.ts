import { createHash } from 'node:crypto';
import * as z from 'zod';
import { Invoice, InvoiceStatus } from '../invoice/invoice.ts';

/**
 * Invoice events: what consumers receive on SNS, on webhooks and from GET /v1/events.
 * The id is derived from the invoice and the state version it describes, so a redelivery of the
 * same change always carries the same id (consumers deduplicate on it).
 */

export const EventType = z
  .enum(['invoice.discovered', 'invoice.status_changed', 'invoice.paid', 'invoice.updated', 'invoice.voided'])
  .meta({ id: 'EventType' });
export type EventType = z.infer<typeof EventType>;
export const EVENT_TYPES = EventType.options;

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
    id: z.string().describe('Deterministic: the same change always has the same id'),
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

/** `evt_` + 26 base32 characters of SHA-256 over what identifies the change. */
export function eventId(connection: string, remoteId: string, version: number, type: EventType): string {
  const digest = createHash('sha256')
    .update(`${connection}\u0000${remoteId}\u0000${version}\u0000${type}`)
    .digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && text.length < 26) {
      text += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `evt_${text}`;
}

export function previousOf(invoice: Invoice, version: number): PreviousState {
  return {
    version,
    status: invoice.status,
    providerStatus: invoice.providerStatus,
    authorityStatus: invoice.authorityStatus,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total: invoice.total,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
    updatedAt: invoice.updatedAt,
  };
}

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
