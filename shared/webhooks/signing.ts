import { Webhook } from 'standardwebhooks';
import type { EndpointRecord, StoredSecret } from './webhook.ts';

/**
 * Standard Webhooks signatures (the `standardwebhooks` package): `webhook-id` is the event id (the
 * same on every retry), `webhook-timestamp` the send time, `webhook-signature` one `v1,…` per
 * valid secret, so that during a rotation a receiver holding either secret verifies.
 */

/** The secrets that sign now: the current one, and each previous one until its overlap ends. */
export function signingSecrets(endpoint: EndpointRecord, now: number): StoredSecret[] {
  const { current, previous } = endpoint.secrets;
  return [current, ...previous.filter((entry) => Date.parse(entry.until) > now).map((entry) => entry.secret)];
}

export function signedHeaders(
  secrets: readonly string[],
  messageId: string,
  body: string,
  now: number,
): Record<string, string> {
  const timestamp = new Date(now);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(messageId, timestamp, body))
      .join(' '),
  };
}
