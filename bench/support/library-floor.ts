import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';

/**
 * bench/cold-start's second reference: a handler that only builds what every function builds at
 * cold start (Powertools Logger and Metrics, one DynamoDB client, one zod parse),
 * bundled the same way. What a function takes beyond this is the product's own share.
 */
const logger = new Logger({ serviceName: 'floor' });
const metrics = new Metrics({ namespace: 'Floor', serviceName: 'floor' });
const dynamo = new DynamoDBClient({});
const Environment = z.object({ TABLE_NAME: z.string().default('floor') });
const environment = Environment.parse(process.env);

export const handler = async () => {
  logger.info('floor', { table: environment.TABLE_NAME, region: await dynamo.config.region() });
  metrics.publishStoredMetrics();
  return { statusCode: 200 };
};
