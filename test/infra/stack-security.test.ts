import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { InvoiceRelayStack } from '../../infra/invoice-relay-stack.ts';
import { loadStage, STAGE_NAMES } from '../../infra/stage-config.ts';
import {
  synthesizedStage as get,
  logicalId,
  permissions,
  referenceName,
  tableStatements,
} from './template-support.ts';

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
    const secretsKey = id(stack.relay.secretsKey);
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
    expect(services('reads')).toEqual(['dynamodb', 'kms', 'logs', 'secretsmanager', 'xray']);
    expect(services('webhooks')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(services('relayFanOut')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(services('relayDelivery')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(services('relayReconciler')).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);

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
    expect(on('relayReconciler', 'sqs:SendMessage')).toEqual([delivery, deliveryDeadLetters].sort());

    // The table, item family by item family (dynamodb:LeadingKeys): what each function may read
    // and write, written out here independently of the binding table that produced the policy.
    const families = (fn: string, action: string) => {
      const fnConstruct = stack.functions.find((candidate) => candidate.functionKey === fn);
      return tableStatements(template, id(fnConstruct?.role ?? stack), table)
        .filter((statement) => statement.resource === table && statement.actions.includes(action))
        .flatMap((statement) => {
          expect(statement.leadingKeys, `${fn} ${action} must be limited by partition`).not.toBeNull();
          return statement.leadingKeys ?? [];
        })
        .sort();
    };
    const expected: Record<string, { read: string[]; write: string[]; indexes: string[] }> = {
      lookup: {
        read: ['APIKEY#*', 'CONN#*', 'WATCH#*', 'WATCHQUOTA#*'],
        write: ['WATCH#*', 'WATCHQUOTA#*'],
        indexes: ['gsi2'],
      },
      reads: { read: ['APIKEY#*', 'CONN#*', 'EVT#*'], write: [], indexes: ['gsi2'] },
      webhooks: {
        read: ['APIKEY#*', 'TENANT#*', 'WEBHOOK#*'],
        write: ['ROUTE#*', 'TENANT#*', 'WEBHOOK#*'],
        indexes: [],
      },
      snapshotWorker: { read: ['CONN#*', 'EVT#*', 'WATCH#*'], write: ['CONN#*', 'EVT#*'], indexes: ['gsi1'] },
      relayFanOut: {
        read: ['ROUTE#*', 'TENANT#*', 'WEBHOOK#*'],
        write: ['WEBHOOK#*'],
        indexes: ['gsi1', 'gsi2'],
      },
      relayDelivery: { read: ['TENANT#*', 'WEBHOOK#*'], write: ['TENANT#*', 'WEBHOOK#*'], indexes: ['gsi1'] },
      relayReconciler: { read: ['WEBHOOK#*'], write: ['WEBHOOK#*'], indexes: ['gsi1'] },
    };
    for (const fn of Object.keys(byFunction)) {
      const wanted = expected[fn] ?? { read: [], write: [], indexes: [] };
      expect(families(fn, 'dynamodb:GetItem'), `${fn} reads`).toEqual(wanted.read.sort());
      expect(families(fn, 'dynamodb:PutItem'), `${fn} writes`).toEqual(wanted.write.sort());
      expect(
        on(fn, 'dynamodb:Query')
          .filter((resource) => resource.startsWith(`${table}/index/`))
          .map((resource) => resource.slice(`${table}/index/`.length)),
        `${fn} indexes`,
      ).toEqual(wanted.indexes);
      // No function writes API keys (only the keys command does), and none deletes tables.
      expect(families(fn, 'dynamodb:PutItem'), fn).not.toContain('APIKEY#*');
      expect(byFunction[fn]?.has('dynamodb:DeleteTable')).toBe(false);
    }
    // The internet-facing functions that parse provider bodies never reach webhook secrets.
    for (const fn of ['lookup', 'reads', 'docs']) {
      expect(families(fn, 'dynamodb:GetItem'), fn).not.toContain('TENANT#*');
      expect(on(fn, 'kms:Decrypt'), fn).not.toContain(secretsKey);
    }
    // The idempotency table is the delivery function's alone.
    for (const fn of Object.keys(byFunction))
      expect(on(fn, 'dynamodb:PutItem').includes(idempotency), fn).toBe(fn === 'relayDelivery');

    // Webhook secrets: only the webhooks API seals them, only the delivery function opens them.
    for (const fn of Object.keys(byFunction)) {
      expect(on(fn, 'kms:GenerateDataKey').includes(secretsKey), `${fn} seals`).toBe(fn === 'webhooks');
      expect(on(fn, 'kms:Decrypt').includes(secretsKey), `${fn} opens`).toBe(fn === 'relayDelivery');
    }

    // Events: only the worker publishes.
    for (const fn of Object.keys(byFunction))
      expect(on(fn, 'sns:Publish'), fn).toEqual(fn === 'snapshotWorker' ? [topic] : []);

    // Secrets: provider credentials for the functions that call providers; the cursor key for
    // the functions that sign cursors.
    const credentialSecrets = on('snapshotWorker', 'secretsmanager:GetSecretValue');
    expect(credentialSecrets).toHaveLength(get(name).stage.connections.length);
    for (const secret of credentialSecrets) expect(secret).toMatch(/:secret:invoice-relay\/.+-\?{6}$/);
    expect(on('lookup', 'secretsmanager:GetSecretValue')).toEqual([...credentialSecrets, cursorKey].sort());
    expect(on('reads', 'secretsmanager:GetSecretValue')).toEqual([cursorKey]);
    for (const fn of [
      'docs',
      'webhooks',
      'snapshotDispatcher',
      'relayFanOut',
      'relayDelivery',
      'relayReconciler',
    ])
      expect(on(fn, 'secretsmanager:GetSecretValue'), fn).toEqual([]);

    // Each schedule may invoke its one function and nothing else.
    for (const scheduled of [stack.snapshots.schedule, stack.relay.reconcile]) {
      if (scheduled === undefined) throw new Error('a schedule is missing');
      expect(
        [...(permissions(template, id(scheduled.role)).get('lambda:InvokeFunction') ?? [])].sort(),
      ).toEqual([id(scheduled.target), `${id(scheduled.target)}:*`].sort());
    }
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
      'AwsSolutions-IAM5[Resource::<FunctionsSnapshotDispatcher3318CA45.Arn>:*]',
      'AwsSolutions-IAM5[Resource::<FunctionsRelayReconcilerB156C77A.Arn>:*]',
    ].sort(),
  );
});

function readReport(outdir: string): string {
  return readFileSync(`${outdir}/validation-report.json`, 'utf8');
}
