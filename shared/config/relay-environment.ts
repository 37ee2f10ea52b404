import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../webhooks/retry-schedule.ts';
import { EventRetentionDays, jsonVariable } from './environment.ts';
import { SecretsKeyReference } from './references.ts';

/** Settings of the webhook relay (API, fan-out, delivery and reconciler), read once at cold start. */
export const RelayEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  WEBHOOK_DELIVERY_QUEUE_URL: z.string().min(1),
  /** Loopback and private targets and plain http; only the local runtime may set it. */
  ALLOW_PRIVATE_WEBHOOK_TARGETS: z.stringbool().default(false),
  /** How long an endpoint owner's grant is trusted: a revoked owner's endpoint receives at most this long. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
});

/** The fan-out reads the event log (recover) and the connections an all-connections endpoint may recover. */
export const FanOutEnvironment = RelayEnvironment.extend({
  EVENT_RETENTION_DAYS: EventRetentionDays,
  CONNECTIONS: jsonVariable(ConnectionConfigs),
});

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

/** The reconciler reads due deliveries and queues them again (or dead-letters them). */
export const ReconcilerEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  WEBHOOK_DELIVERY_QUEUE_URL: z.string().min(1),
  WEBHOOK_DEAD_LETTER_QUEUE_URL: z.string().min(1),
  /** Minutes past due after which a pending delivery counts as lost. */
  WEBHOOK_RECONCILE_GRACE_MINUTES: z.coerce.number().positive().default(5),
});
