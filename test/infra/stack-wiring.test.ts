import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { FUNCTION_CATALOG } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/routes.ts';
import { STAGE_NAMES } from '../../infra/stage-config.ts';
import {
  SNAPSHOT_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_FANOUT_QUEUE,
} from '../../shared/storage/messaging.ts';
import { environmentOf, synthesizedStage as get, logicalId, referenceName } from './template-support.ts';

/**
 * How each stage's stack is wired: routes, functions, schedule, queues, alarms and outputs.
 * Expected values come from the stage files, so the same assertions hold for every stage.
 */

beforeAll(() => {
  get('dev');
}, 120_000);

describe.each(STAGE_NAMES)('stage %s', (name) => {
  test('every route of the route table is on the API, to the function that serves it', () => {
    const { stack, template } = get(name);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const functionOfIntegration = (target: unknown) => {
      const integrationId = referenceName(target).replace(/^integrations\//, '');
      return referenceName(integrations[integrationId]?.Properties.IntegrationUri);
    };
    const functionIds = Object.fromEntries(
      stack.functions.map((fn) => [fn.functionKey, logicalId(stack, fn)]),
    );
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => ({
      key: route.Properties.RouteKey as string,
      function: functionOfIntegration(route.Properties.Target),
      authorization: route.Properties.AuthorizationType ?? 'NONE',
    }));
    const expected = [
      ...ROUTES.map((route) => ({
        key: `${route.method} ${route.path}`,
        function: functionIds[route.function],
      })),
      { key: '$default', function: functionIds.docs },
    ];
    expect(routes.map(({ key, function: fn }) => ({ key, function: fn })).sort(byKey)).toEqual(
      expected.sort(byKey),
    );
    // The key check runs in the functions (see LookupApi): no route has a gateway authorizer that
    // would answer without a problem document.
    expect(new Set(routes.map((route) => route.authorization))).toEqual(new Set(['NONE']));
  });

  test('the API stage throttles and writes access logs without headers', () => {
    const { stage, template } = get(name);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: stage.api.throttle.rateLimit,
        ThrottlingBurstLimit: stage.api.throttle.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const format = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties
      .AccessLogSettings.Format as string;
    expect(format.toLowerCase()).not.toContain('header');
  });

  test('every function: Node.js 24 on arm64, traced, its own log group, the environment its schema asks for', () => {
    const { stack, stage, template } = get(name);
    expect(stack.functions.map((fn) => fn.functionKey).sort()).toEqual(Object.keys(FUNCTION_CATALOG).sort());
    for (const fn of stack.functions) {
      const id = logicalId(stack, fn);
      const spec = FUNCTION_CATALOG[fn.functionKey];
      const resource = template.toJSON().Resources[id];
      expect(resource.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      });
      const logGroupId = referenceName(resource.Properties.LoggingConfig.LogGroup);
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(
        stage.logs.retentionDays,
      );

      const environment = environmentOf(template, id);
      const parsed = spec.environment.safeParse(environment);
      expect(parsed.error?.issues ?? [], fn.functionKey).toEqual([]);
      // Nothing set that the function does not read (beyond Node's own options).
      const known = new Set([...Object.keys(spec.environment.shape), 'NODE_OPTIONS']);
      expect(
        Object.keys(environment).filter((variable) => !known.has(variable)),
        fn.functionKey,
      ).toEqual([]);
      expect(environment.NODE_OPTIONS).toBe('--enable-source-maps');
      // Deployed stages never let webhooks reach private addresses.
      if ('ALLOW_PRIVATE_WEBHOOK_TARGETS' in environment)
        expect(environment.ALLOW_PRIVATE_WEBHOOK_TARGETS).toBe('false');
    }
  });

  test('connections reach the functions as references, never as secrets', () => {
    const { stack, stage, template } = get(name);
    const worker = stack.functions.find((fn) => fn.functionKey === 'snapshotWorker');
    if (worker === undefined) throw new Error('no worker');
    const connections = JSON.parse(environmentOf(template, logicalId(stack, worker)).CONNECTIONS ?? '[]');
    expect(connections.map((connection: { credentials: unknown }) => connection.credentials)).toEqual(
      stage.connections.map((connection) => connection.credentials),
    );
  });

  test('the schedule starts a snapshot round at the stage interval', () => {
    const { stack, stage, template } = get(name);
    const dispatcher = stack.functions.find((fn) => fn.functionKey === 'snapshotDispatcher');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${stage.snapshots.intervalMinutes} minute${stage.snapshots.intervalMinutes === 1 ? '' : 's'})`,
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(stack, dispatcher ?? stack), 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTION_CATALOG.snapshotWorker.description,
      ReservedConcurrentExecutions: stage.snapshots.workerConcurrency,
    });
  });

  test('every queue has a dead-letter queue and is consumed with partial batch responses', () => {
    const { stack, template } = get(name);
    const pairs = [
      [stack.snapshots.work, SNAPSHOT_QUEUE],
      [stack.relay.fanOut, WEBHOOK_FANOUT_QUEUE],
      [stack.relay.delivery, WEBHOOK_DELIVERY_QUEUE],
    ] as const;
    for (const [queues, spec] of pairs) {
      const queue = template.toJSON().Resources[logicalId(stack, queues.queue)];
      expect(queue.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, queues.deadLetterQueue), 'Arn'] },
        maxReceiveCount: spec.maxReceiveCount,
      });
      expect(queue.Properties.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, queues.queue), 'Arn'] },
        BatchSize: spec.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    // The relay's fan-out queue takes the topic's messages as they are (raw delivery).
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: logicalId(stack, stack.events.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(stack, stack.relay.fanOut.queue), 'Arn'] },
    });
  });

  test('alarms: dead letters, function errors and throttles, API 5xx and snapshot lag, all to the alarm topic', () => {
    const { stack, stage, template } = get(name);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const alarmTopic = logicalId(stack, stack.alarms.topic);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopic }]);
      expect(alarm.OKActions).toEqual([{ Ref: alarmTopic }]);
    }
    const count = (metricName: string) => alarms.filter((alarm) => alarm.MetricName === metricName);
    const deadLetterAlarms = count('ApproximateNumberOfMessagesVisible');
    expect(deadLetterAlarms.map((alarm) => referenceName(alarm.Dimensions[0].Value)).sort()).toEqual(
      [stack.snapshots.work, stack.relay.fanOut, stack.relay.delivery]
        .map((queues) => logicalId(stack, queues.deadLetterQueue))
        .sort(),
    );
    for (const alarm of deadLetterAlarms) expect(alarm.Threshold).toBe(stage.alarms.deadLetterMessages);
    expect(count('Errors')).toHaveLength(stack.functions.length);
    expect(count('Throttles')).toHaveLength(stack.functions.length);
    for (const alarm of count('Errors')) expect(alarm.Threshold).toBe(stage.alarms.functionErrors);
    expect(count('5xx')).toHaveLength(1);
    const lag = count('SnapshotCompleted');
    expect(
      lag
        .map((alarm) => alarm.Dimensions.find((d: { Name: string }) => d.Name === 'connection').Value)
        .sort(),
    ).toEqual(stage.connections.map((connection) => connection.id).sort());
    for (const alarm of lag) {
      expect(alarm).toMatchObject({
        Namespace: 'InvoiceRelay',
        Period: stage.alarms.snapshotLagMinutes * 60,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
    expect(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } })).toSatisfy(
      (found: object) => Object.keys(found).length === stage.alarms.emails.length,
    );
  });

  test('outputs name the API URL and the events topic', () => {
    const { stack, template } = get(name);
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('EventsTopicArn', { Value: { Ref: logicalId(stack, stack.events.topic) } });
  });
});

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key.localeCompare(b.key);
}
