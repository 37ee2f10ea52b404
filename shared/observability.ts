import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Logger and metrics for one function, built once per cold start. Service name and log level come
 * from the standard Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL); the local
 * runtime turns metrics off with POWERTOOLS_METRICS_DISABLED, not with code of its own.
 *
 * No tracing SDK: Powertools Tracer sits on the AWS X-Ray SDK, which is in maintenance mode (end of
 * support 2027-02-25) and cost 17-23 % of the API's CPU in its async hooks. Lambda's own active
 * tracing (set by the stack) still records each invocation in X-Ray at no init cost; the README
 * says how an operator adds the ADOT layer for OpenTelemetry spans inside a function.
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

export const METRICS_NAMESPACE = 'InvoiceRelay';

export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}
