import * as z from 'zod';

/**
 * What the webhook relay's functions (API, fan-out, delivery) read at cold start. Each function's
 * own schema extends it in a module of its own (`<function>-environment.ts`).
 */
export const RelayEnvironment = z.object({
  TABLE_NAME: z.string().min(1),
  WEBHOOK_DELIVERY_QUEUE_URL: z.string().min(1),
  /** Loopback and private targets and plain http; only the local runtime may set it. */
  ALLOW_PRIVATE_WEBHOOK_TARGETS: z.stringbool().default(false),
  /** How long an endpoint owner's grant is trusted: a revoked owner's endpoint receives at most this long. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
});
