import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { jsonVariable } from './environment.ts';
import { SecretReference } from './secrets.ts';

/**
 * The environment the API functions read at cold start. The CDK stack and the local runtime set
 * exactly these variables (their names are not written anywhere else).
 */
export const ApiEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  /** Connections as JSON (`ConnectionConfig[]`): no secrets, only references to them. */
  CONNECTIONS: jsonVariable(ConnectionConfigs),
  /** Where the cursor-signing key is (`SecretReference` as JSON). */
  CURSOR_KEY: jsonVariable(SecretReference),
  /** Sustained requests per second per API key (per function instance). */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  /** How long a key lookup is trusted: a revoked key works at most this long on an instance. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Reported by GET /health. */
  APP_VERSION: z.string().default('dev'),
});
export type ApiEnvironment = z.infer<typeof ApiEnvironment>;

/** The events API also reads the event log. */
export const EventsApiEnvironment = ApiEnvironment.extend({
  /** Days events stay in the log and in histories (DynamoDB TTL). */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});
