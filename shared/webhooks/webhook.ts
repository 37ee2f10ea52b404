import * as z from 'zod';
import { ConnectionId } from '../connections/connection-config.ts';
import { EventType } from '../events/invoice-event.ts';
import { InvoiceStatus } from '../invoice/invoice.ts';

/** Webhook endpoints and deliveries: the shapes of the API and of what is stored. */

export const WebhookFilter = z
  .strictObject({
    eventTypes: z
      .array(EventType)
      .min(1)
      .max(10)
      .optional()
      .describe('Only these event types (default: all)'),
    statuses: z
      .array(InvoiceStatus)
      .min(1)
      .max(6)
      .optional()
      .describe('Only events whose invoice is now in one of these statuses'),
    connections: z
      .array(ConnectionId)
      .min(1)
      .max(100)
      .optional()
      .describe('Only these connections (default: all the key may use)'),
  })
  .meta({ id: 'WebhookFilter' });
export type WebhookFilter = z.infer<typeof WebhookFilter>;

export const CreateWebhook = z.strictObject({
  url: z.string().min(1).max(2048).describe('https URL that receives the POSTs'),
  filter: WebhookFilter.default({}),
  description: z.string().max(500).optional(),
});

export const UpdateWebhook = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    filter: WebhookFilter.optional(),
    enabled: z.boolean().optional(),
    description: z.string().max(500).optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'must change at least one of url, filter, enabled, description',
  );

export const RecoverDeliveries = z.strictObject({
  since: z.iso
    .datetime({ offset: true })
    .describe('Re-send every matching event logged since then (RFC 3339)'),
});

export const WebhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    filter: WebhookFilter,
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .describe('Why deliveries stopped: the endpoint answered 410, kept failing, or was disabled'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookWithSecret = WebhookView.extend({
  secret: z.string().describe('whsec_…: shown once; verify signatures with it (Standard Webhooks)'),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookList = z.object({ webhooks: z.array(WebhookView) }).meta({ id: 'WebhookList' });

export const RotatedSecret = z
  .object({
    secret: z.string(),
    previousSecretValidUntil: z.string().describe('Until then every delivery is signed with both secrets'),
  })
  .meta({ id: 'RotatedSecret' });

export const DeliveryAttempt = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    at: z.string(),
    outcome: z.enum(['delivered', 'failed', 'gone', 'refused']),
    statusCode: z.number().int().nullable(),
    durationMs: z.number(),
    responseExcerpt: z.string().nullable().describe('The first bytes of the response body'),
    error: z.string().nullable(),
  })
  .meta({ id: 'DeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const DeliveryList = z
  .object({ attempts: z.array(DeliveryAttempt), next: z.string().nullable() })
  .meta({ id: 'DeliveryAttemptList' });

export const Accepted = z
  .object({ deliveryId: z.string().optional(), queued: z.number().int().optional() })
  .meta({ id: 'Accepted' });

/** What is stored for an endpoint: the view plus what only the relay may see. */
export const EndpointRecord = WebhookView.extend({
  tenant: z.string(),
  /** Connections the registering key could use ('*' for all), fixed at registration. */
  allowedConnections: z.union([z.literal('*'), z.array(z.string())]),
  secrets: z.object({
    current: z.string(),
    previous: z.string().nullable(),
    previousUntil: z.string().nullable(),
  }),
  /** When the current run of failures began; null while deliveries succeed. */
  failingSince: z.string().nullable(),
});
export type EndpointRecord = z.infer<typeof EndpointRecord>;

export function viewOf(record: EndpointRecord): WebhookView {
  const { id, url, filter, description, enabled, disabledReason, createdAt, updatedAt } = record;
  return { id, url, filter, description, enabled, disabledReason, createdAt, updatedAt };
}

/** What a delivery carries: an invoice event, or the test event of POST /v1/webhooks/{id}/test. */
export interface DeliverableEvent {
  id: string;
  type: string;
  connection: string | null;
  status: string | null;
  /** The exact bytes that are signed and sent. */
  body: string;
}

export function matches(endpoint: EndpointRecord, event: DeliverableEvent): boolean {
  if (!endpoint.enabled || event.connection === null || event.status === null) return false;
  const allowed =
    endpoint.allowedConnections === '*' || endpoint.allowedConnections.includes(event.connection);
  const { eventTypes, statuses, connections } = endpoint.filter;
  return (
    allowed &&
    (eventTypes === undefined || eventTypes.includes(event.type as EventType)) &&
    (statuses === undefined || statuses.includes(event.status as InvoiceStatus)) &&
    (connections === undefined || connections.includes(event.connection))
  );
}
