import type * as z from 'zod';
import { NoQuery } from '../../shared/api/request-fields.ts';
import { defineRoute, type RouteSpec } from '../../shared/api/route.ts';
import { DeliveriesQuery, DeliveryPath, WebhookPath } from '../../shared/api/webhook-requests.ts';
import { CreateWebhook, RecoverDeliveries, UpdateWebhook } from '../../shared/webhooks/webhook.ts';
import type { FunctionName } from '../catalog.ts';

/**
 * Webhook endpoints, deliveries, retries and recovery: the webhooks function's routes. Each
 * function's handler imports only its own routes, so that it builds only its own routes' request
 * schemas; ../routes.ts gathers them all.
 */

const FUNCTION = 'webhooks' satisfies FunctionName;

export const webhooksRoutes = {
  createWebhook: webhookRoute('POST', '', 'createWebhook', {
    params: undefined,
    query: NoQuery,
    body: CreateWebhook,
  }),
  listWebhooks: webhookRoute('GET', '', 'listWebhooks', {
    params: undefined,
    query: NoQuery,
  }),
  getWebhook: webhookRoute('GET', '/{webhookId}', 'getWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  updateWebhook: webhookRoute('PATCH', '/{webhookId}', 'updateWebhook', {
    params: WebhookPath,
    query: NoQuery,
    body: UpdateWebhook,
  }),
  deleteWebhook: webhookRoute('DELETE', '/{webhookId}', 'deleteWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  rotateWebhookSecret: webhookRoute('POST', '/{webhookId}/rotate-secret', 'rotateWebhookSecret', {
    params: WebhookPath,
    query: NoQuery,
  }),
  testWebhook: webhookRoute('POST', '/{webhookId}/test', 'testWebhook', {
    params: WebhookPath,
    query: NoQuery,
  }),
  listDeliveries: webhookRoute('GET', '/{webhookId}/deliveries', 'listWebhookDeliveries', {
    params: WebhookPath,
    query: DeliveriesQuery,
  }),
  retryDelivery: webhookRoute('POST', '/{webhookId}/deliveries/{deliveryId}/retry', 'retryWebhookDelivery', {
    params: DeliveryPath,
    query: NoQuery,
  }),
  recoverWebhook: webhookRoute('POST', '/{webhookId}/recover', 'recoverWebhook', {
    params: WebhookPath,
    query: NoQuery,
    body: RecoverDeliveries,
  }),
} satisfies Record<string, RouteSpec>;

/** Webhook routes share their base path, function and scope. */
function webhookRoute<
  P extends z.ZodObject<z.ZodRawShape> | undefined,
  Q extends z.ZodObject<z.ZodRawShape>,
  B extends z.ZodType | undefined = undefined,
>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  suffix: string,
  operationId: string,
  parts: Pick<RouteSpec<P, Q, B, 'api-key'>, 'params' | 'query' | 'body'>,
) {
  return defineRoute<'api-key', P, Q, B>({
    method,
    path: `/v1/webhooks${suffix}`,
    function: FUNCTION,
    operationId,
    auth: 'api-key',
    scope: 'webhooks:write',
    ...parts,
  });
}
