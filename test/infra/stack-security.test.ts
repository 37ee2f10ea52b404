import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { InvoiceRelayStack } from '../../infra/invoice-relay-stack.ts';
import { loadStage, STAGE_NAMES } from '../../infra/stage-config.ts';
import { synthesizedStage as get, logicalId, permissions, referenceName } from './template-support.ts';

/**
 * What each stage's stack allows and protects: least-privilege grants, encryption, table
 * protection, the topic policy, and the AWS Solutions findings it acknowledges.
 */

beforeAll(() => {
  get('dev');
}, 120_000);

describe.each(STAGE_NAMES)('stage %s', (name) => {
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
