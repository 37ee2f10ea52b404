import * as z from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../webhooks/retry-schedule.ts';
import { jsonVariable } from './environment.ts';
import { SecretsKeyReference } from './references.ts';
import { RelayEnvironment } from './relay-environment.ts';

/** The delivery function signs and sends, retries on its schedule and dead-letters. */
export const DeliveryEnvironment = RelayEnvironment.extend({
  WEBHOOK_DEAD_LETTER_QUEUE_URL: z.string().min(1),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  WEBHOOK_SECRETS_KEY: jsonVariable(SecretsKeyReference),
  WEBHOOK_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(10),
  /** Seconds before each retry, comma-separated. */
  WEBHOOK_RETRY_SCHEDULE_SECONDS: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'must be seconds separated by commas')
    .default(DEFAULT_RETRY_SCHEDULE_SECONDS.join(','))
    .transform((value) => value.split(',').map(Number)),
  WEBHOOK_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().positive().default(120),
});
