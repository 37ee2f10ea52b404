import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Big from 'big.js';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { XMLParser } from 'fast-xml-parser';
import { Temporal } from 'temporal-polyfill';
import * as z from 'zod';

/**
 * bench/cold-start's third reference: the library floor plus the libraries a function that calls
 * providers needs (Secrets Manager, the time-zone polyfill, the XML parser, exact decimals and the
 * resilience policies), each used once at cold start, bundled the same way. What lookup and the
 * snapshot worker take beyond this is their own code and the work it does at module scope.
 */
const logger = new Logger({ serviceName: 'floor' });
const metrics = new Metrics({ namespace: 'Floor', serviceName: 'floor' });
const dynamo = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const breaker = circuitBreaker(handleAll, { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(5) });
const xml = new XMLParser();
const Environment = z.object({ TABLE_NAME: z.string().default('floor') });
const environment = Environment.parse(process.env);
const zone = Temporal.Now.timeZoneId();

export const handler = async () => {
  logger.info('floor', {
    table: environment.TABLE_NAME,
    region: await dynamo.config.region(),
    secretsRegion: await secrets.config.region(),
    total: new Big('1.10').times(3).toString(),
    parsed: xml.parse('<a>1</a>'),
    zone,
    breaker: breaker.state,
  });
  metrics.publishStoredMetrics();
  return { statusCode: 200 };
};
