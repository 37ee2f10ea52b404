import * as z from 'zod';

/** The reconciler reads due deliveries and queues them again (or dead-letters them). */
export const ReconcilerEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  WEBHOOK_DELIVERY_QUEUE_URL: z.string().min(1),
  WEBHOOK_DEAD_LETTER_QUEUE_URL: z.string().min(1),
  /** Minutes past due after which a pending delivery counts as lost. */
  WEBHOOK_RECONCILE_GRACE_MINUTES: z.coerce.number().positive().default(5),
});
