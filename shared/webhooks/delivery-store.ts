import * as z from 'zod';

/**
 * Deliveries (one per event and endpoint, with the exact bytes to send), their attempts, the
 * per-endpoint rate windows and recover cooldowns. A pending delivery carries `dueAt`, when its
 * next attempt is due, and is listed by it, so that the reconciler finds deliveries whose message
 * was lost and queues them again.
 */

export const DeliveryRecord = z.object({
  deliveryId: z.string(),
  endpointId: z.string(),
  /** The endpoint's tenant (deliveries stored before it was kept have none). */
  tenant: z.string().default(''),
  eventId: z.string(),
  eventType: z.string(),
  /** The event's connection; null for a test event. Deliveries are checked against it when sent. */
  connection: z.string().nullable().default(null),
  body: z.string(),
  generation: z.number().int(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead', 'cancelled']),
  attempts: z.number().int(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  /** When the next attempt is due while pending; null once settled. */
  dueAt: z.string().nullable().default(null),
  /** How often the reconciler had to queue it again. */
  requeues: z.number().int().default(0),
  /** Carried into the webhook-correlation-id header and the relay's logs. */
  correlationId: z.string().nullable().default(null),
});
export type DeliveryRecord = z.infer<typeof DeliveryRecord>;

/** One attempt of a delivery, as the delivery log keeps it and GET …/deliveries answers it. */
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
    nextAttemptAt: z
      .string()
      .nullable()
      .optional()
      .describe('When the next attempt is due, if this one failed and another follows'),
  })
  .meta({ id: 'DeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export interface DeliveryRef {
  endpointId: string;
  deliveryId: string;
}

export interface DeliveryStore {
  /** Creates a delivery once; when one exists already, answers it unchanged instead. */
  create(record: DeliveryRecord, now: number): Promise<'created' | DeliveryRecord>;
  get(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null>;
  /** Replaces a delivery's state, only if nobody moved it to another generation meanwhile. */
  update(record: DeliveryRecord, expectedGeneration: number, now: number): Promise<boolean>;
  /**
   * Starts a delivery over as a new generation (a manual retry or a recover): attempts begin
   * again at one, and messages of older generations are ignored. Creates it if it never existed.
   */
  restart(
    seed: Pick<
      DeliveryRecord,
      | 'deliveryId'
      | 'endpointId'
      | 'tenant'
      | 'eventId'
      | 'eventType'
      | 'connection'
      | 'body'
      | 'createdAt'
      | 'correlationId'
    >,
    now: number,
  ): Promise<DeliveryRecord>;
  recordAttempt(endpointId: string, attempt: DeliveryAttempt, now: number): Promise<void>;
  /** Attempts, newest first; `cursor` is the position to continue after. */
  attempts(
    endpointId: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }>;
  /** Pending deliveries of one listing shard due before `before` (RFC 3339), oldest first. */
  due(shard: number, before: string, limit: number): Promise<DeliveryRecord[]>;
  /** One token from an endpoint's per-second window; false when this second's are spent. */
  takeRateToken(endpointId: string, perSecond: number, now: number): Promise<boolean>;
  /** A recover of the endpoint may start now; else how long until it may. */
  takeRecoverSlot(endpointId: string, cooldownMs: number, now: number): Promise<number | null>;
}
