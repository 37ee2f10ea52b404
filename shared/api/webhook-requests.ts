import * as z from 'zod';
import { pageLimit } from './request-fields.ts';

/** What the webhook routes accept besides their bodies (shared/webhooks/webhook.ts). */

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
