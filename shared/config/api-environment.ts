import * as z from 'zod';
import { ConnectionConfigs } from '../connections/connection-config.ts';
import { jsonVariable } from './environment.ts';
import { SecretReference } from './references.ts';

/**
 * What every /v1 function reads at cold start: the table (API keys), the connections and the
 * per-key limits. Each API function's own schema extends it in a module of its own
 * (`<function>-environment.ts`, named by functions/catalog.ts), so that a function builds only
 * its own schema. The CDK stack and the local runtime set exactly these variables; the stack's
 * tests check every function's variables against its schema.
 */
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
export const CursorKey = { CURSOR_KEY: jsonVariable(SecretReference) };
