import { ApiKeyAuthenticator } from '../auth/authenticator.ts';
import { DynamoApiKeyReader } from '../auth/dynamo-api-keys.ts';
import { RateLimiter } from '../auth/rate-limiter.ts';
import type { Clock } from '../clock.ts';
import type { ApiEnvironment } from '../config/api-environment.ts';
import type { Table } from '../storage/dynamo.ts';

/** Authentication and throttling, built the same way by every API function. */
export function createApiAccess(environment: ApiEnvironment, table: Table, clock: Clock) {
  return {
    authenticator: new ApiKeyAuthenticator(new DynamoApiKeyReader(table), clock, {
      cacheSeconds: environment.API_KEY_CACHE_SECONDS,
      refusalsPerSecond: environment.REFUSALS_PER_SOURCE_PER_SECOND,
      refusalBurst: environment.REFUSAL_BURST,
    }),
    limiter: new RateLimiter(environment.RATE_LIMIT_PER_SECOND, environment.RATE_LIMIT_BURST, clock),
  };
}
