import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApiKeyAuthenticator, DynamoApiKeyStore } from '../auth/api-keys.ts';
import { RateLimiter } from '../auth/rate-limiter.ts';
import type { ApiEnvironment } from '../config/api-environment.ts';

/** Authentication and throttling, built the same way by every API function. */
export function createApiAccess(environment: ApiEnvironment, dynamo: DynamoDBClient) {
  return {
    authenticator: new ApiKeyAuthenticator(
      new DynamoApiKeyStore(dynamo, environment.TABLE_NAME),
      environment.API_KEY_CACHE_SECONDS,
    ),
    limiter: new RateLimiter(environment.RATE_LIMIT_PER_SECOND, environment.RATE_LIMIT_BURST),
  };
}
