import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Logger, metrics and tracer for one function, built once per cold start. Service name and
 * log level come from the standard Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL);
 * the local runtime turns tracing and metrics off with POWERTOOLS_TRACE_ENABLED /
 * POWERTOOLS_METRICS_DISABLED, not with code of its own.
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export const METRICS_NAMESPACE = 'InvoiceRelay';

export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
    tracer: new Tracer({ serviceName }),
  };
}
