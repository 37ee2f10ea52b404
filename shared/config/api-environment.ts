import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { SecretsKeyReference } from '../webhooks/secret-sealing.ts';
import { EventRetentionDays, jsonVariable } from './environment.ts';
import { RelayEnvironment } from './relay-environment.ts';
import { SecretReference } from './secrets.ts';

/**
 * The environments the API functions read at cold start, one schema per function (functions/
 * catalog.ts names which). The CDK stack and the local runtime set exactly these variables; the
 * stack's tests check every function's variables against its schema.
 */

/** What every /v1 function reads: the table (API keys), the connections and the per-key limits. */
export const ApiEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  /** Connections as JSON (`ConnectionConfig[]`): no secrets, only references to them. */
  CONNECTIONS: jsonVariable(ConnectionConfigs),
  /** Sustained requests per second per API key (per function instance). */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  /** How long a key lookup is trusted: a revoked key works at most this long on an instance. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  /** Requests without a valid key, per second and source address, before it is answered 429. */
  REFUSALS_PER_SOURCE_PER_SECOND: z.coerce.number().positive().default(2),
  REFUSAL_BURST: z.coerce.number().int().positive().default(20),
  /** Reported by GET /health. */
  APP_VERSION: z.string().default('dev'),
});
export type ApiEnvironment = z.infer<typeof ApiEnvironment>;

/** Where the cursor-signing key is (`SecretReference` as JSON); the functions that sign cursors read it. */
const CursorKey = { CURSOR_KEY: jsonVariable(SecretReference) };

/** The lookup function calls the providers, signs page cursors, reads snapshots and keeps watches. */
export const LookupEnvironment = ApiEnvironment.extend({
  ...CursorKey,
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** How long a connection's circuit stays open after repeated failures, before one trial call. */
  UPSTREAM_CIRCUIT_OPEN_SECONDS: z.coerce.number().positive().default(30),
  /** Watches one tenant may hold on one connection. */
  WATCH_QUOTA_PER_TENANT: z.coerce.number().int().min(1).default(1000),
});

/** The reads function serves the event log, histories, snapshot reads and connection status. */
export const ReadsEnvironment = ApiEnvironment.extend({
  ...CursorKey,
  /** Days events stay in the log and in histories (DynamoDB TTL). */
  EVENT_RETENTION_DAYS: EventRetentionDays,
});

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

/** Health, OpenAPI and the reference page need nothing but the version they report. */
export const DocsEnvironment = z.object({ APP_VERSION: z.string().default('dev') });
