import * as z from 'zod';
import { ApiEnvironment } from './api-environment.ts';
import { jsonVariable } from './environment.ts';
import { SecretsKeyReference } from './references.ts';
import { RelayEnvironment } from './relay-environment.ts';

/**
 * The webhooks API seals new secrets, queues tests and retries for delivery and recover jobs for
 * the fan-out.
 */
export const WebhooksApiEnvironment = ApiEnvironment.extend(RelayEnvironment.shape).extend({
  WEBHOOK_FANOUT_QUEUE_URL: z.string().min(1),
  WEBHOOK_SECRETS_KEY: jsonVariable(SecretsKeyReference),
  /** Minutes between two recovers of one endpoint. */
  WEBHOOK_RECOVER_COOLDOWN_MINUTES: z.coerce.number().min(0).default(10),
});
