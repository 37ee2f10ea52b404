import { describe, expect, test } from 'vitest';
import { FUNCTION_CATALOG, type FunctionName } from '../../../functions/catalog.ts';
import {
  BINDING_VARIABLES,
  functionSettingsFrom,
  type LocalResources,
  localFunctionEnvironment,
} from '../../../infra/local/local-environment.ts';

/** `npm start` hands the functions the settings of its own environment, as a stage file does in AWS. */

const resources: LocalResources = {
  tableName: 'table',
  idempotencyTableName: 'idempotency',
  connections: [],
  cursorSecretVariable: 'CURSOR_SECRET',
  eventsTopicArn: 'arn:topic',
  queueUrls: {
    snapshotWork: 'q1',
    webhookFanOut: 'q2',
    webhookDelivery: 'q3',
    webhookDeadLetters: 'q4',
  },
  secretsKeyFile: '/tmp/key',
};

describe('function settings from the environment', () => {
  test('every variable some function reads is taken, and nothing else', () => {
    expect(
      functionSettingsFrom({
        RATE_LIMIT_PER_SECOND: '1000000',
        WEBHOOK_TIMEOUT_MS: '100',
        SNAPSHOT_PAGE_SIZE: '10',
        HOME: '/root',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({ RATE_LIMIT_PER_SECOND: '1000000', WEBHOOK_TIMEOUT_MS: '100', SNAPSHOT_PAGE_SIZE: '10' });
  });

  test('the bindings are the runtime’s own and are never taken from the environment', () => {
    expect(
      functionSettingsFrom({ TABLE_NAME: 'elsewhere', CONNECTIONS: '[]', WEBHOOK_DELIVERY_QUEUE_URL: 'x' }),
    ).toEqual({});
  });

  test.each(Object.keys(FUNCTION_CATALOG) as FunctionName[])(
    '%s: the binding variables list every variable a binding sets',
    (name) => {
      for (const variable of Object.keys(localFunctionEnvironment(name, resources, {})))
        expect(BINDING_VARIABLES).toContain(variable);
    },
  );

  test('a setting reaches only the functions whose schema reads it', () => {
    const settings = functionSettingsFrom({ RATE_LIMIT_PER_SECOND: '7', WEBHOOK_TIMEOUT_MS: '100' });
    expect(localFunctionEnvironment('lookup', resources, settings)).toMatchObject({
      RATE_LIMIT_PER_SECOND: '7',
    });
    expect(localFunctionEnvironment('lookup', resources, settings)).not.toHaveProperty('WEBHOOK_TIMEOUT_MS');
    expect(localFunctionEnvironment('relayDelivery', resources, settings)).toMatchObject({
      WEBHOOK_TIMEOUT_MS: '100',
    });
  });
});
