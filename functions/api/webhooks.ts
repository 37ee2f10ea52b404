import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { createApiAccess } from '../../shared/api/api-access.ts';
import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { DynamoApiKeyReader } from '../../shared/auth/dynamo-api-keys.ts';
import { systemClock } from '../../shared/clock.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { WebhooksApiEnvironment } from '../../shared/config/webhooks-environment.ts';
import { ConfiguredDirectory } from '../../shared/connections/connection-directory.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { createObservability } from '../../shared/observability.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import { DynamoDeliveryStore } from '../../shared/webhooks/dynamo-delivery-store.ts';
import { DynamoEndpointStore } from '../../shared/webhooks/dynamo-endpoint-store.ts';
import { EndpointEligibility } from '../../shared/webhooks/endpoint-access.ts';
import { FanOut } from '../../shared/webhooks/fan-out.ts';
import { SqsRelayQueue } from '../../shared/webhooks/relay-queue.ts';
import { dataKeysFor, SecretSealer } from '../../shared/webhooks/secret-sealing.ts';
import { WebhooksService } from '../../shared/webhooks/webhooks-service.ts';
import { webhooksRoutes as routes } from '../routes/webhooks.ts';

/** Webhook endpoints of the caller's tenant: registration, secrets, tests, deliveries and recovery. */

const environment = loadEnvironment(WebhooksApiEnvironment);
const observability = createObservability('webhooks');
const table = new Table(new DynamoDBClient({}), environment.TABLE_NAME);
const clock = systemClock;
const endpoints = new DynamoEndpointStore(table);
const deliveries = new DynamoDeliveryStore(table);
const queue = new SqsRelayQueue(new SQSClient({}), {
  delivery: environment.WEBHOOK_DELIVERY_QUEUE_URL,
  fanOut: environment.WEBHOOK_FANOUT_QUEUE_URL,
});
const connections = new ConfiguredDirectory(environment.CONNECTIONS);
const webhooks = new WebhooksService({
  endpoints,
  deliveries,
  connections,
  fanOut: new FanOut({
    endpoints,
    deliveries,
    queue,
    eligibility: new EndpointEligibility(
      new DynamoApiKeyReader(table),
      clock,
      environment.API_KEY_CACHE_SECONDS,
    ),
    clock,
  }),
  queue,
  sealer: new SecretSealer(dataKeysFor(environment.WEBHOOK_SECRETS_KEY)),
  options: {
    policy: { allowPrivate: environment.ALLOW_PRIVATE_WEBHOOK_TARGETS },
    recoverCooldownMs: environment.WEBHOOK_RECOVER_COOLDOWN_MINUTES * 60_000,
  },
  clock,
});

/** Delivery list cursors are the last attempt's sort key, opaque to callers. */
const Cursor = z.string().transform((value, context) => {
  const key = Buffer.from(value, 'base64url').toString('utf8');
  if (!key.startsWith('ATTEMPT#')) {
    context.addIssue({ code: 'custom', message: 'is not a cursor of this list' });
    return z.NEVER;
  }
  return key;
});

export const handler = createApiHandler({
  observability,
  ...createApiAccess(environment, table, clock),
  operations: [
    operation(routes.createWebhook, async ({ principal, body }) => ({
      status: 201,
      body: await webhooks.create(principal, body),
    })),
    operation(routes.listWebhooks, async ({ principal }) => ({
      status: 200,
      body: { webhooks: await webhooks.list(principal) },
    })),
    operation(routes.getWebhook, async ({ principal, params }) => ({
      status: 200,
      body: await webhooks.get(principal, params.webhookId),
    })),
    operation(routes.updateWebhook, async ({ principal, params, body }) => ({
      status: 200,
      body: await webhooks.update(principal, params.webhookId, body),
    })),
    operation(routes.deleteWebhook, async ({ principal, params }) => {
      await webhooks.delete(principal, params.webhookId);
      return { status: 204 };
    }),
    operation(routes.rotateWebhookSecret, async ({ principal, params }) => ({
      status: 200,
      body: await webhooks.rotateSecret(principal, params.webhookId),
    })),
    operation(routes.testWebhook, async ({ principal, params }) => ({
      status: 202,
      body: await webhooks.sendTest(principal, params.webhookId),
    })),
    operation(routes.listDeliveries, async ({ principal, params, query }) => {
      let cursor: string | null = null;
      if (query.cursor !== undefined) {
        const parsed = Cursor.safeParse(query.cursor);
        if (!parsed.success) throw new InvalidInput('cursor', 'is not a cursor of this list');
        cursor = parsed.data;
      }
      const page = await webhooks.attempts(principal, params.webhookId, query.limit, cursor);
      return {
        status: 200,
        body: {
          attempts: page.attempts,
          next: page.next === null ? null : Buffer.from(page.next).toString('base64url'),
        },
      };
    }),
    operation(routes.retryDelivery, async ({ principal, params }) => ({
      status: 202,
      body: await webhooks.retry(principal, params.webhookId, params.deliveryId),
    })),
    operation(routes.recoverWebhook, async ({ principal, params, body }) => {
      await webhooks.recover(principal, params.webhookId, body.since);
      return { status: 202, body: {} };
    }),
  ],
});
