import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FUNCTIONS, ROUTES } from '../../functions/routes.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { removalPolicyOf } from './removal.ts';

export interface PublicApiProps {
  stage: StageConfig;
  /** The functions that serve routes, by the route table's names. */
  functions: Record<keyof typeof FUNCTIONS, InvoiceRelayFunction>;
}

/**
 * The product's whole HTTP API: one route per entry of the shared route table (functions/routes.ts),
 * each to the function that serves it, and `$default` to the docs function, which answers unknown routes with
 * a 404 or 405 problem. The stage throttles all callers together; per-key limits and the API key
 * check run in the functions (shared/api/api-access.ts), because an HTTP API authorizer answers a
 * refused request with a body of its own instead of the RFC 9457 problem this API promises.
 * Access logs go to a log group of their own, without headers (no API key is ever logged).
 */
export class PublicApi extends Construct {
  readonly api: HttpApi;
  readonly stageResource: HttpStage;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const { stage } = props;
    const served = props.functions;
    const integrations = Object.fromEntries(
      Object.entries(served).map(([name, fn]) => [name, new HttpLambdaIntegration(`${name}Integration`, fn)]),
    ) as Record<keyof typeof FUNCTIONS, HttpLambdaIntegration>;

    this.api = new HttpApi(this, 'HttpApi', {
      description: `invoice-relay ${stage.name}: invoice lookups, events and webhooks`,
      createDefaultStage: false,
      defaultIntegration: integrations.docs,
    });
    for (const route of ROUTES) {
      const integration = integrations[route.function as keyof typeof FUNCTIONS];
      if (integration === undefined)
        throw new Error(`${route.path}: no function "${route.function}" serves routes`);
      this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.logs.retentionDays,
      removalPolicy: removalPolicyOf(stage),
    });
    this.stageResource = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: stage.api.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }
}
