import * as z from 'zod';
import { ApiEnvironment, CursorKey } from './api-environment.ts';

/** The lookup function calls the providers, signs page cursors, reads snapshots and keeps watches. */
export const LookupEnvironment = ApiEnvironment.extend({
  ...CursorKey,
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** How long a connection's circuit stays open after repeated failures, before one trial call. */
  UPSTREAM_CIRCUIT_OPEN_SECONDS: z.coerce.number().positive().default(30),
  /** Watches one tenant may hold on one connection. */
  WATCH_QUOTA_PER_TENANT: z.coerce.number().int().min(1).default(1000),
});
