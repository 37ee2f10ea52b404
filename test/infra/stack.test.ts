import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { FUNCTION_CATALOG } from '../../functions/catalog.ts';
import { ROUTES } from '../../functions/routes.ts';
import { buildApp } from '../../infra/app.ts';
import { InvoiceRelayStack } from '../../infra/invoice-relay-stack.ts';
import { loadStage, STAGE_NAMES, type StageConfig } from '../../infra/stage-config.ts';
import {
  SNAPSHOT_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_FANOUT_QUEUE,
} from '../../shared/storage/messaging.ts';
import { environmentOf, logicalId, permissions, referenceName } from './template-support.ts';

/**
 * The stack of every stage, synthesized with real esbuild bundling and the AWS Solutions checks
 * (a finding without an acknowledgement makes the synth throw), then read back as CloudFormation.
 * Expected values come from the stage files, so the same assertions hold for every stage.
 */

interface Synthesized {
  stage: StageConfig;
  stack: InvoiceRelayStack;
  template: Template;
}

const synthesized = new Map<string, Synthesized>();

beforeAll(() => {
  for (const name of STAGE_NAMES) {
    const { stack } = buildApp(name);
    synthesized.set(name, { stage: loadStage(name), stack, template: Template.fromStack(stack) });
  }
}, 120_000);

function get(name: string): Synthesized {
  const found = synthesized.get(name);
  if (found === undefined) throw new Error(`stage ${name} was not synthesized`);
  return found;
}

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

  test('least privilege: each function may do what it needs, on its own resources, and no more', () => {
    const { stack, template } = get(name);
    const id = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);
    const table = id(stack.storage.table);
    const idempotency = id(stack.storage.idempotencyTable);
    const work = id(stack.snapshots.work.queue);
    const fanOut = id(stack.relay.fanOut.queue);
    const delivery = id(stack.relay.delivery.queue);
    const deliveryDeadLetters = id(stack.relay.delivery.deadLetterQueue);
    const topic = id(stack.events.topic);
    const cursorKey = id(stack.connections.cursorKey);
    const byFunction = Object.fromEntries(
      stack.functions.map((fn) => [fn.functionKey, permissions(template, id(fn.role ?? fn))]),
    );
    const on = (fn: string, action: string) => [...(byFunction[fn]?.get(action) ?? [])].sort();
    const services = (fn: string) =>
      [...new Set([...(byFunction[fn]?.keys() ?? [])].map((a) => a.split(':')[0]))].sort();

    for (const [fn, allowed] of Object.entries(byFunction)) {
      for (const [action, resources] of allowed) {
        expect(action, `${fn}: ${action}`).not.toMatch(/^\*$|:\*$/);
        // The only wildcard resource is X-Ray's, which has no resource-level permissions.
        if (resources.has('*')) expect(action, fn).toMatch(/^xray:Put(TraceSegments|TelemetryRecords)$/);
      }
      // Each function writes only its own log group.
      const fnConstruct = stack.functions.find((candidate) => candidate.functionKey === fn);
      const ownLogGroup = referenceName(
        template.toJSON().Resources[id(fnConstruct ?? stack)].Properties.LoggingConfig.LogGroup,
      );
      expect(on(fn, 'logs:PutLogEvents'), fn).toEqual([ownLogGroup]);
    }

    expect(services('docs')).toEqual(['logs', 'xray']);
    expect(services('snapshotDispatcher')).toEqual(['kms', 'logs', 'sqs', 'xray']);
    expect(services('snapshotWorker')).toEqual([
      'dynamodb',
      'kms',
      'logs',
      'secretsmanager',
      'sns',
      'sqs',
      'xray',
    ]);
    expect(services('lookup')).toEqual(['dynamodb', 'kms', 'logs', 'secretsmanager', 'xray']);
    expect(services('events')).toEqual(['dynamodb', 'kms', 'logs', 'secretsmanager', 'xray']);
    expect(services('webhooks')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(services('relayFanOut')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(services('relayDelivery')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);

    // Queues: who sends where, who consumes what.
    expect(on('snapshotDispatcher', 'sqs:SendMessage')).toEqual([work]);
    expect(on('snapshotWorker', 'sqs:SendMessage')).toEqual([work]);
    expect(on('snapshotWorker', 'sqs:ReceiveMessage')).toEqual([work]);
    expect(on('webhooks', 'sqs:SendMessage')).toEqual([delivery, fanOut].sort());
    expect(on('webhooks', 'sqs:ReceiveMessage')).toEqual([]);
    expect(on('relayFanOut', 'sqs:ReceiveMessage')).toEqual([fanOut]);
    expect(on('relayFanOut', 'sqs:SendMessage')).toEqual([delivery]);
    expect(on('relayDelivery', 'sqs:ReceiveMessage')).toEqual([delivery]);
    expect(on('relayDelivery', 'sqs:SendMessage')).toEqual([delivery, deliveryDeadLetters].sort());

    // Tables: the idempotency table is the delivery function's alone; no function deletes tables.
    for (const fn of ['lookup', 'events', 'webhooks', 'snapshotWorker', 'relayFanOut', 'relayDelivery']) {
      const tables = on(fn, 'dynamodb:PutItem').filter((resource) => !resource.endsWith('/index/*'));
      expect(tables, fn).toEqual(fn === 'relayDelivery' ? [idempotency, table].sort() : [table]);
    }
    for (const allowed of Object.values(byFunction)) expect(allowed.has('dynamodb:DeleteTable')).toBe(false);

    // Events: only the worker publishes.
    for (const fn of Object.keys(byFunction))
      expect(on(fn, 'sns:Publish'), fn).toEqual(fn === 'snapshotWorker' ? [topic] : []);

    // Secrets: provider credentials for the functions that call providers; the cursor key for
    // the functions that sign cursors.
    const credentialSecrets = on('snapshotWorker', 'secretsmanager:GetSecretValue');
    expect(credentialSecrets).toHaveLength(get(name).stage.connections.length);
    for (const secret of credentialSecrets) expect(secret).toMatch(/:secret:invoice-relay\/.+-\?{6}$/);
    expect(on('lookup', 'secretsmanager:GetSecretValue')).toEqual([...credentialSecrets, cursorKey].sort());
    expect(on('events', 'secretsmanager:GetSecretValue')).toEqual([cursorKey]);
    for (const fn of ['docs', 'webhooks', 'snapshotDispatcher', 'relayFanOut', 'relayDelivery'])
      expect(on(fn, 'secretsmanager:GetSecretValue'), fn).toEqual([]);

    // The scheduler may invoke the dispatcher and nothing else.
    const dispatcher = stack.functions.find((fn) => fn.functionKey === 'snapshotDispatcher');
    expect(
      [
        ...(permissions(template, id(stack.snapshots.schedulerRole)).get('lambda:InvokeFunction') ?? []),
      ].sort(),
    ).toEqual([id(dispatcher ?? stack), `${id(dispatcher ?? stack)}:*`].sort());
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

  test('encryption at rest everywhere, TLS only on queues and topics', () => {
    const { stack, template } = get(name);
    const dataKey = Object.keys(template.findResources('AWS::KMS::Key')).find((key) =>
      key.startsWith('DataKey'),
    );
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    template.allResourcesProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [dataKey, 'Arn'] },
    });
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, stack.events.key), 'Arn'] },
    });
    const denyPlainHttp = Match.arrayWith([
      Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    expect(
      Object.keys(
        template.findResources('AWS::SQS::QueuePolicy', {
          Properties: { PolicyDocument: { Statement: denyPlainHttp } },
        }),
      ),
    ).toHaveLength(6);
    expect(
      Object.keys(
        template.findResources('AWS::SNS::TopicPolicy', {
          Properties: { PolicyDocument: { Statement: denyPlainHttp } },
        }),
      ),
    ).toHaveLength(2);
  });

  test('tables: TTL, and recovery, deletion protection and removal as the stage says', () => {
    const { stage, template } = get(name);
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table.Properties.TimeToLiveSpecification.Enabled).toBe(true);
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: stage.storage.pointInTimeRecovery,
      });
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(stage.storage.deletionProtection);
      expect(table.DeletionPolicy).toBe(stage.storage.removalPolicy === 'retain' ? 'Retain' : 'Delete');
    }
    for (const key of Object.values(template.findResources('AWS::KMS::Key')))
      expect(key.DeletionPolicy).toBe(stage.storage.removalPolicy === 'retain' ? 'Retain' : 'Delete');
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
        .map((queueId) => queueId)
        .sort()
        .map((queueId) => queueId),
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

test('other accounts subscribe to events only when the stage lists them', () => {
  const stage = { ...loadStage('dev'), events: { retentionDays: 7, subscriberAccounts: ['123456789012'] } };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new InvoiceRelayStack(app, 'Subscribers', { stage, version: 'test' }));
  template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Sid: 'SubscriberAccounts',
          Action: 'sns:Subscribe',
          Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::123456789012:root'])] } },
        }),
      ]),
    },
  });
  expect(
    Object.keys(
      get('dev').template.findResources('AWS::SNS::TopicPolicy', {
        Properties: {
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'SubscriberAccounts' })]) },
        },
      }),
    ),
  ).toHaveLength(0);
});

test('without its acknowledgements the stack fails the AWS Solutions checks, on exactly the acknowledged findings', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new InvoiceRelayStack(app, 'Unacknowledged', { stage: loadStage('prod'), version: 'test' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let failure: unknown;
  try {
    app.synth();
  } catch (error: unknown) {
    failure = error;
  }
  expect(String(failure)).toMatch(/ValidationFailed/);
  const report = JSON.parse(readReport(app.outdir)) as { pluginReports: unknown[] };
  const findings = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item);
    } else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.ruleName === 'string') findings.add(object.ruleName);
      Object.values(object).forEach(collect);
    }
  };
  collect(report.pluginReports);
  expect([...findings].sort()).toEqual(
    [
      'AwsSolutions-APIG4',
      'AwsSolutions-SMG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Resource::<StorageTableB43FDCE7.Arn>/index/*]',
      'AwsSolutions-IAM5[Resource::<SnapshotsDispatcher895AF381.Arn>:*]',
    ].sort(),
  );
});

function readReport(outdir: string): string {
  return readFileSync(`${outdir}/validation-report.json`, 'utf8');
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key.localeCompare(b.key);
}
