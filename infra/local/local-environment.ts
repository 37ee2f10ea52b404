import {
  FUNCTION_CATALOG,
  type FunctionName,
  type FunctionSpec,
  QUEUE_VARIABLES,
  type QueueBinding,
} from '../../functions/catalog.ts';
import type { ConnectionConfig } from '../../shared/connections/connection-config.ts';

/**
 * Each function's environment on this machine, built from the same binding table the stack binds
 * (functions/catalog.ts): a binding sets the same variable, with the local peer's value instead of
 * the AWS resource's. Like the stack, settings are handed only to the functions whose schema reads
 * them, so a function here sees exactly the variables it would see deployed.
 */

export interface LocalResources {
  tableName: string;
  idempotencyTableName: string;
  connections: readonly ConnectionConfig[];
  /** The variable the cursor-signing secret is in (kept in the data folder). */
  cursorSecretVariable: string;
  eventsTopicArn: string;
  queueUrls: Record<QueueBinding, string>;
  /** The key file webhook secrets are sealed under (the KMS key's stand-in). */
  secretsKeyFile: string;
}

export function localFunctionEnvironment(
  name: FunctionName,
  resources: LocalResources,
  settings: Readonly<Record<string, string>>,
): Record<string, string> {
  const spec: FunctionSpec = FUNCTION_CATALOG[name];
  const { bindings } = spec;
  const environment: Record<string, string> = {};
  if (bindings.table !== undefined) environment.TABLE_NAME = resources.tableName;
  if (bindings.idempotencyTable) environment.IDEMPOTENCY_TABLE_NAME = resources.idempotencyTableName;
  if (bindings.connections !== undefined) environment.CONNECTIONS = JSON.stringify(resources.connections);
  if (bindings.cursorKey)
    environment.CURSOR_KEY = JSON.stringify({ environment: resources.cursorSecretVariable });
  if (bindings.eventsTopic !== undefined) environment.EVENTS_TOPIC_ARN = resources.eventsTopicArn;
  for (const queue of bindings.queues ?? []) environment[QUEUE_VARIABLES[queue]] = resources.queueUrls[queue];
  if (bindings.secretsKey !== undefined)
    environment.WEBHOOK_SECRETS_KEY = JSON.stringify({ file: resources.secretsKeyFile });
  const reads = spec.environment.shape as Record<string, unknown>;
  for (const [variable, value] of Object.entries(settings))
    if (variable in reads) environment[variable] = value;
  return environment;
}

/** Variables the runtime itself sets from the binding table; never taken from the shell. */
const BINDING_VARIABLES = new Set([
  'TABLE_NAME',
  'IDEMPOTENCY_TABLE_NAME',
  'CONNECTIONS',
  'CURSOR_KEY',
  'EVENTS_TOPIC_ARN',
  'WEBHOOK_SECRETS_KEY',
  ...Object.values(QUEUE_VARIABLES),
]);

/**
 * The settings among `environment` (the shell's, for `npm start`): every variable some function's
 * schema reads, except those the runtime binds. `RATE_LIMIT_PER_SECOND=5 npm start` then sets
 * what a stage file sets in AWS.
 */
export function functionSettingsFrom(environment: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const spec of Object.values(FUNCTION_CATALOG)) {
    for (const variable of Object.keys(spec.environment.shape)) {
      const value = environment[variable];
      if (value !== undefined && !BINDING_VARIABLES.has(variable)) settings[variable] = value;
    }
  }
  return settings;
}
