import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ConnectionId } from '../connections/connection-id.ts';
import { EventType } from '../events/event-type.ts';
import { InvoiceStatus } from '../invoice/codes.ts';

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
      .describe('Only these connections (default: every connection the key may use)'),
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

/** '*' (every connection) or the connections an endpoint receives, within its owner's grant. */
export const EndpointConnections = z
  .union([z.literal('*'), z.array(z.string()).min(1)])
  .describe(
    "The connections whose events it receives: '*' for every connection, else a list. Always within the grant of its owner key.",
  );
export type EndpointConnections = z.infer<typeof EndpointConnections>;

export const WebhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    filter: WebhookFilter,
    connections: EndpointConnections,
    ownerKeyId: z
      .string()
      .nullable()
      .describe(
        'The key whose current grant bounds what it receives: the key that registered it or last changed its URL or filter',
      ),
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

/**
 * A signing secret as stored: encrypted with a data key of its own (AES-256-GCM), the data key
 * wrapped by the stage's KMS key (locally: a key in the data folder). Endpoints stored before
 * secrets were sealed hold the plain text; the migrate command seals them.
 */
export const SealedSecret = z.object({
  v: z.literal(1),
  /** The wrapped data key (base64). */
  key: z.string(),
  iv: z.string(),
  /** Ciphertext with its authentication tag (base64). */
  data: z.string(),
});
export type SealedSecret = z.infer<typeof SealedSecret>;

export const StoredSecret = z.union([SealedSecret, z.string().startsWith('whsec_')]);
export type StoredSecret = z.infer<typeof StoredSecret>;

/**
 * A new signing secret in Standard Webhooks' format: `whsec_` and 32 random bytes, base64. Made
 * here rather than beside the signatures (signing.ts), so that the API, which makes secrets but
 * never signs, carries no signing library.
 */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Rotations within one overlap window: more than this many previous secrets is refused. */
export const MAX_PREVIOUS_SECRETS = 4;

/** What is stored for an endpoint: the view plus what only the relay may see. */
export const EndpointRecord = WebhookView.extend({
  tenant: z.string(),
  secrets: z.object({
    current: StoredSecret,
    /** Secrets still signing after a rotation, each until its own end of overlap. */
    previous: z.array(z.object({ secret: StoredSecret, until: z.string() })).max(MAX_PREVIOUS_SECRETS),
  }),
  /** When the current run of failures began; null while deliveries succeed. */
  failingSince: z.string().nullable(),
});
export type EndpointRecord = z.infer<typeof EndpointRecord>;

/**
 * An endpoint record as 0.1 stored it (connections copied from the registering key, one previous
 * secret in plain text), read as today's shape. It has no owner, so it receives nothing until a
 * key of its tenant adopts it (see endpoint-access.ts).
 */
const LegacyEndpointRecord = WebhookView.omit({ connections: true, ownerKeyId: true }).extend({
  tenant: z.string(),
  allowedConnections: z.union([z.literal('*'), z.array(z.string())]),
  secrets: z.object({
    current: z.string(),
    previous: z.string().nullable(),
    previousUntil: z.string().nullable(),
  }),
  failingSince: z.string().nullable(),
});

export function parseEndpointRecord(value: unknown): EndpointRecord {
  const current = EndpointRecord.safeParse(value);
  if (current.success) return current.data;
  const legacy = LegacyEndpointRecord.parse(value);
  const { allowedConnections, secrets, ...rest } = legacy;
  const filtered = legacy.filter.connections;
  return {
    ...rest,
    connections:
      filtered !== undefined
        ? filtered
        : allowedConnections === '*' || allowedConnections.length > 0
          ? allowedConnections
          : '*',
    ownerKeyId: null,
    secrets: {
      current: secrets.current,
      previous:
        secrets.previous !== null && secrets.previousUntil !== null
          ? [{ secret: secrets.previous, until: secrets.previousUntil }]
          : [],
    },
  };
}

export function viewOf(record: EndpointRecord): WebhookView {
  const {
    id,
    url,
    filter,
    connections,
    ownerKeyId,
    description,
    enabled,
    disabledReason,
    createdAt,
    updatedAt,
  } = record;
  return {
    id,
    url,
    filter,
    connections,
    ownerKeyId,
    description,
    enabled,
    disabledReason,
    createdAt,
    updatedAt,
  };
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

/** Whether an event passes the endpoint's own filter (grants are endpoint-access.ts's part). */
export function passesFilter(endpoint: EndpointRecord, event: DeliverableEvent): boolean {
  if (event.connection === null || event.status === null) return false;
  const { eventTypes, statuses, connections } = endpoint.filter;
  return (
    (eventTypes === undefined || eventTypes.includes(event.type as EventType)) &&
    (statuses === undefined || statuses.includes(event.status as InvoiceStatus)) &&
    (connections === undefined || connections.includes(event.connection))
  );
}
