import * as z from 'zod';

/**
 * Messages between the relay's functions. Every message names its kind; the functions parse them
 * with these schemas (shared/lambda/sqs-batch.ts), so a message that is not one of them fails, is
 * retried and ends in the queue's dead-letter queue, never silently dropped. The fan-out queue's
 * messages, which carry invoice events, are fan-out-message.ts's.
 */

export const DeliveryMessage = z.strictObject({
  kind: z.literal('delivery'),
  deliveryId: z.string().min(1),
  endpointId: z.string().min(1),
  tenant: z.string().min(1),
  /** Bumped by a manual retry or a recover, so that the same delivery can be sent anew. */
  generation: z.number().int().positive(),
  attempt: z.number().int().positive(),
  /** Epoch ms before which the attempt waits (longer delays than SQS's 15 minutes). */
  notBefore: z.number().int().nonnegative(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

export const RecoverJob = z.strictObject({
  kind: z.literal('recover'),
  tenant: z.string().min(1),
  endpointId: z.string().min(1),
  since: z.string(),
});
export type RecoverJob = z.infer<typeof RecoverJob>;
