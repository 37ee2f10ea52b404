import type { WebhookView } from '../../shared/webhooks/webhook.ts';
import type { LocalApi } from './local-api.ts';

/** `POST /v1/webhooks` as a tenant would, expecting 201: the endpoint with its secret, shown once. */
export function registerWebhook(
  api: LocalApi,
  url: string,
  filter: Record<string, unknown> = {},
  key?: string,
): Promise<WebhookView & { secret: string }> {
  return api.json<WebhookView & { secret: string }>('/v1/webhooks', 201, {
    ...(key === undefined ? {} : { key }),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, filter }),
  });
}
