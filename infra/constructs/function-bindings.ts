import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { type FunctionBindings, QUEUE_VARIABLES, type QueueBinding } from '../../functions/catalog.ts';
import { PARTITION } from '../../shared/storage/keys.ts';
import type { Connections } from './connections.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import type { Storage } from './storage.ts';

/**
 * The stack's side of the binding table (functions/catalog.ts): each binding becomes the variable
 * the function reads and the grant behind it, nothing more. The local runtime reads the same table
 * (infra/local/local-environment.ts), so both targets hand a function the same configuration.
 *
 * The table is granted by item family: reads and writes are allowed only on items whose partition
 * key starts with a family's prefix (`dynamodb:LeadingKeys`, one statement each for reading and
 * writing), and queries only on the indexes the function uses. No function may write API keys:
 * only the `keys` command does, with the operator's credentials.
 */

export interface BindableResources {
  storage: Storage;
  connections: Connections;
  eventsTopic: ITopic;
  queues: Record<QueueBinding, IQueue>;
  /** Seals webhook signing secrets (envelope encryption). */
  secretsKey: IKey;
}

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export function applyBindings(
  fn: InvoiceRelayFunction,
  bindings: FunctionBindings,
  resources: BindableResources,
): void {
  const { storage } = resources;
  if (bindings.table !== undefined) {
    const { read, write, indexes } = bindings.table;
    const table = storage.table;
    fn.setVariable('TABLE_NAME', table.tableName);
    const onItems = (actions: string[], families: readonly (keyof typeof PARTITION)[]) =>
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions,
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': families.map((family) => `${PARTITION[family]}*`),
          },
        },
      });
    if (read.length > 0) fn.addToRolePolicy(onItems(READ_ACTIONS, read));
    if (write.length > 0) fn.addToRolePolicy(onItems(WRITE_ACTIONS, write));
    if (indexes.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:Query'],
          resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    if (write.length > 0) storage.key.grantEncryptDecrypt(fn);
    else storage.key.grantDecrypt(fn);
  }
  if (bindings.idempotencyTable) storage.bindIdempotency(fn);
  if (bindings.connections !== undefined)
    resources.connections.bindConnections(fn, { credentials: bindings.connections === 'credentials' });
  if (bindings.cursorKey) resources.connections.bindCursorKey(fn);
  if (bindings.eventsTopic === 'publish') {
    fn.setVariable('EVENTS_TOPIC_ARN', resources.eventsTopic.topicArn);
    resources.eventsTopic.grantPublish(fn);
  }
  for (const queue of bindings.queues ?? []) {
    fn.setVariable(QUEUE_VARIABLES[queue], resources.queues[queue].queueUrl);
    resources.queues[queue].grantSendMessages(fn);
  }
  if (bindings.secretsKey !== undefined) {
    const key = resources.secretsKey;
    fn.setVariable('WEBHOOK_SECRETS_KEY', Stack.of(fn).toJsonString({ kms: key.keyArn }));
    if (bindings.secretsKey === 'seal') key.grant(fn, 'kms:GenerateDataKey');
    else key.grant(fn, 'kms:Decrypt');
  }
}
