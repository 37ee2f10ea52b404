import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FauxqsServer } from 'fauxqs';
import type { FunctionName } from '../../functions/catalog.ts';
import { FUNCTIONS } from '../../functions/routes.ts';
import type { ApiHandler } from '../../shared/api/api-handler.ts';
import { DynamoApiKeyAdmin } from '../../shared/auth/dynamo-api-keys.ts';
import { ALL_SCOPES } from '../../shared/auth/principal.ts';
import { systemClock } from '../../shared/clock.ts';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers/registry.ts';
import type { SandboxApp } from '../../shared/sandbox/sandbox-app.ts';
import { SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import {
  type QueueSpec,
  SNAPSHOT_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_FANOUT_QUEUE,
} from '../../shared/storage/messaging.ts';
import { createIdempotencyTableInput } from '../../shared/storage/table.ts';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalDynamo, startDynalite } from './dynamodb.ts';
import { startLoopbackFauxqs } from './fauxqs.ts';
import { FunctionHost } from './function-host.ts';
import { localConnections } from './local-connections.ts';
import { type LocalResources, localFunctionEnvironment } from './local-environment.ts';
import { startLocalHttp } from './local-http.ts';
import { ensureMessaging, type LocalMessaging, type LocalQueue } from './messaging.ts';
import type { SqsHandler } from './sqs-poller.ts';

/**
 * The whole product on one machine, no AWS account and no Docker: the same Lambda handlers behind
 * a local HTTP server that builds real API Gateway v2 events from the shared route table
 * (local-http.ts), dynalite as DynamoDB (kept under the data folder), fauxqs as SNS/SQS, and the
 * five sandbox providers mounted under `/sandbox/<provider>`. Each function is configured through
 * the same environment variables as in AWS, built from the same binding table
 * (local-environment.ts), with the SDK's standard endpoint variables pointing at the local peers;
 * the function host (function-host.ts) plays the Lambda service: contexts, pollers, schedules.
 */

export interface LocalRuntimeOptions {
  /** @default 3000; 0 picks a free port */
  port?: number;
  /** Where DynamoDB data, the dev key and the cursor key live. @default .local/data */
  dataDir?: string;
  /** A full-access development key to accept; without it one is generated and kept. */
  devApiKey?: string;
  /** JSON file of real connections instead of the sandboxes. */
  connectionsFile?: string;
  /** Invoices per sandbox provider. @default 300 */
  sandboxSize?: number;
  /** POWERTOOLS_LOG_LEVEL for the handlers. @default WARN */
  logLevel?: string;
  /** Seconds between snapshot runs (the schedule's stand-in); 0 runs them only on `snapshotNow`. @default 15 */
  snapshotIntervalSeconds?: number;
  /** Seconds between reconciler runs; 0 runs it only on `reconcileNow`. @default 60 */
  reconcileIntervalSeconds?: number;
  /**
   * Function settings that the stage configuration sets in AWS (see the functions' environment
   * schemas); tests use them for tight limits and short timeouts. Each reaches only the functions
   * whose schema reads it; unset ones keep the functions' defaults.
   */
  functionSettings?: Record<string, string | number>;
  /** Let webhooks go to loopback and private addresses over http (never link-local). @default false */
  allowPrivateWebhookTargets?: boolean;
  /** Sandbox apps in place of the default ones (tests: providers that misbehave). */
  sandboxes?: Partial<Record<ProviderId, SandboxApp>>;
  /** Port of the local DynamoDB endpoint. @default 0 (any free port); `npm start` fixes 8000 */
  dynamoPort?: number;
  /** Port of the local SNS/SQS endpoint. @default 0 (any free port); `npm start` fixes 4566 */
  snsSqsPort?: number;
  /** Start over: remove the data folder's contents (DynamoDB, queues, sandboxes, keys) first. */
  reset?: boolean;
}

export interface LocalRuntime {
  url: string;
  dataDir: string;
  apiKey: string;
  sandboxes: ReadonlyMap<ProviderId, SandboxApp>;
  dynamo: LocalDynamo;
  fauxqs: FauxqsServer;
  messaging: LocalMessaging;
  tableName: string;
  /** Dispatches a snapshot run of every connection and waits until the work queue is drained. */
  snapshotNow(): Promise<void>;
  /** Runs the webhook reconciler once. */
  reconcileNow(): Promise<unknown>;
  /** Waits until the snapshot, fan-out and delivery queues are all drained and idle. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'invoice-relay-local';
const IDEMPOTENCY_TABLE_NAME = 'invoice-relay-local-idempotency';
const CURSOR_SECRET_VARIABLE = 'INVOICE_RELAY_CURSOR_SECRET';

/** A secret kept in the data folder, so that restarts keep keys and cursors valid. */
function persistentSecret(file: string, given?: string): string {
  if (given !== undefined && given !== '') return given;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = `ir_dev_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir ?? '.local/data');
  refuseIfInUse(join(dataDir, 'runtime.json'));
  if (options.reset === true) rmSync(dataDir, { recursive: true, force: true });
  for (const folder of ['dynamodb', 'fauxqs', 'sandboxes'])
    mkdirSync(join(dataDir, folder), { recursive: true });

  const { dynamo, fauxqs, messaging } = await startPeers(dataDir, options);
  const sandboxes = startSandboxes(dataDir, options);
  const host = new FunctionHost((source, error) =>
    console.error(`${source}:`, error instanceof Error ? error.message : error),
  );
  const http = await listening('PORT', options.port ?? 3000, (port) =>
    startLocalHttp({ port, sandboxes, host }),
  );
  const { url } = http;
  const { resources, settings } = lambdaEnvironment(dataDir, url, { dynamo, fauxqs, messaging }, options);
  const functions = await startFunctions(host, messaging, resources, settings, options);
  const apiKey = await ensureDevelopmentKey(dynamo, dataDir, options.devApiKey);
  const runtimeFile = join(dataDir, 'runtime.json');
  // Where the running runtime's peers are, for the keys CLI and for tools (never secrets).
  writeFileSync(
    runtimeFile,
    JSON.stringify({
      url,
      pid: process.pid,
      dynamoEndpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      snsSqsEndpoint: fauxqs.address,
      eventsTopicArn: messaging.eventsTopicArn,
      snapshotQueueUrl: messaging.snapshotQueue.url,
    }),
  );
  // Only now does the API answer (and /health say so): every handler and the key are in place.
  http.ready(functions.handlers);

  return {
    url,
    dataDir,
    apiKey,
    sandboxes,
    dynamo,
    fauxqs,
    messaging,
    tableName: TABLE_NAME,
    async snapshotNow() {
      await functions.runSchedule();
      await functions.worker.idle();
    },
    reconcileNow: functions.runReconciler,
    settle: () => host.settle(),
    async stop() {
      rmSync(runtimeFile, { force: true });
      await host.stop();
      await http.close();
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
}

/** The local AWS peers: dynalite with the product's tables, fauxqs with its topic and queues. */
async function startPeers(dataDir: string, options: LocalRuntimeOptions) {
  const dynamo = await listening('DYNAMODB_PORT', options.dynamoPort ?? 0, (port) =>
    startDynalite({ path: join(dataDir, 'dynamodb'), port }),
  );
  await ensureTable(dynamo.client, TABLE_NAME);
  await ensureTable(dynamo.client, IDEMPOTENCY_TABLE_NAME, createIdempotencyTableInput);
  const fauxqs = await listening('SNS_SQS_PORT', options.snsSqsPort ?? 0, (port) =>
    startLoopbackFauxqs({ dataDir: join(dataDir, 'fauxqs'), port }),
  );
  const messaging = await ensureMessaging(fauxqs.address);
  return { dynamo, fauxqs, messaging };
}

function startSandboxes(dataDir: string, options: LocalRuntimeOptions): Map<ProviderId, SandboxApp> {
  return new Map(
    PROVIDER_IDS.map((id) => [
      id,
      // Sandbox changes are kept beside DynamoDB's data, so that a restart finds the providers
      // as it left them and sees no change that nobody made.
      options.sandboxes?.[id] ??
        SANDBOXES[id]({
          size: options.sandboxSize ?? 300,
          stateFile: join(dataDir, 'sandboxes', `${id}.json`),
        }),
    ]),
  );
}

/**
 * What the Lambda runtime gives every function (the region, credentials, and here the local
 * peers' endpoints as the SDK's standard variables and the secrets connections refer to, set on
 * this process), the resources the binding table points functions at, and what a stage file sets.
 */
function lambdaEnvironment(
  dataDir: string,
  url: string,
  peers: { dynamo: LocalDynamo; fauxqs: FauxqsServer; messaging: LocalMessaging },
  options: LocalRuntimeOptions,
): { resources: LocalResources; settings: Record<string, string> } {
  const { dynamo, fauxqs, messaging } = peers;
  const local = localConnections(url, options.connectionsFile);
  Object.assign(process.env, local.secrets, {
    [CURSOR_SECRET_VARIABLE]: persistentSecret(join(dataDir, 'cursor-key')),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: fauxqs.address,
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    // EMF metrics are lines on stdout, for CloudWatch; locally they would drown the terminal.
    // Setting Powertools' own variable to false shows them, as CloudWatch would receive them.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
  });
  const resources: LocalResources = {
    tableName: TABLE_NAME,
    idempotencyTableName: IDEMPOTENCY_TABLE_NAME,
    connections: local.connections,
    cursorSecretVariable: CURSOR_SECRET_VARIABLE,
    eventsTopicArn: messaging.eventsTopicArn,
    queueUrls: {
      snapshotWork: messaging.snapshotQueue.url,
      webhookFanOut: messaging.fanOutQueue.url,
      webhookDelivery: messaging.deliveryQueue.url,
      webhookDeadLetters: messaging.deliveryQueue.deadLetterUrl,
    },
    // Webhook secrets are sealed under a key kept in the data folder (KMS in AWS).
    secretsKeyFile: join(dataDir, 'webhook-secrets.key'),
  };
  const settings: Record<string, string> = {
    APP_VERSION: 'local',
    ALLOW_PRIVATE_WEBHOOK_TARGETS: String(options.allowPrivateWebhookTargets ?? false),
    ...Object.fromEntries(
      Object.entries(options.functionSettings ?? {}).map(([name, value]) => [name, String(value)]),
    ),
  };
  return { resources, settings };
}

/**
 * Every function loaded with its environment, as the Lambda service runs it: the API handlers
 * for the HTTP front, each queue-driven function behind a poller (as its event source mapping),
 * and the scheduled ones on their schedules.
 */
async function startFunctions(
  host: FunctionHost,
  messaging: LocalMessaging,
  resources: LocalResources,
  settings: Record<string, string>,
  options: LocalRuntimeOptions,
) {
  const load = <T>(name: FunctionName) =>
    host.load<T>(name, localFunctionEnvironment(name, resources, settings));
  const handlers = new Map<string, ApiHandler>();
  for (const name of Object.values(FUNCTIONS)) handlers.set(name, await load<ApiHandler>(name));
  type Invoke = (event: unknown, context: unknown) => Promise<unknown>;
  const dispatch = await load<Invoke>('snapshotDispatcher');
  const reconcile = await load<Invoke>('relayReconciler');
  const consume = async (name: FunctionName, queue: LocalQueue, spec: QueueSpec, concurrency: number) =>
    host.consume(name, await load<SqsHandler>(name), {
      client: messaging.sqs,
      url: queue.url,
      arn: queue.arn,
      batchSize: spec.batchSize,
      concurrency,
    });
  const worker = await consume('snapshotWorker', messaging.snapshotQueue, SNAPSHOT_QUEUE, 3);
  await consume('relayFanOut', messaging.fanOutQueue, WEBHOOK_FANOUT_QUEUE, 2);
  await consume('relayDelivery', messaging.deliveryQueue, WEBHOOK_DELIVERY_QUEUE, 2);
  const runSchedule = () => dispatch({ source: 'local.scheduler' }, host.context('snapshotDispatcher'));
  const runReconciler = () => reconcile({ source: 'local.scheduler' }, host.context('relayReconciler'));
  const snapshotSeconds = options.snapshotIntervalSeconds ?? 15;
  if (snapshotSeconds > 0) host.every('snapshot schedule', snapshotSeconds, runSchedule, true);
  const reconcileSeconds = options.reconcileIntervalSeconds ?? 60;
  if (reconcileSeconds > 0) host.every('reconciler schedule', reconcileSeconds, runReconciler);
  return { handlers, worker, runSchedule, runReconciler };
}

/** The full-access development key: the given one, or one generated once and kept. */
async function ensureDevelopmentKey(dynamo: LocalDynamo, dataDir: string, given?: string): Promise<string> {
  const apiKey = persistentSecret(join(dataDir, 'dev-api-key'), given);
  const keys = new DynamoApiKeyAdmin(new Table(dynamo.client, TABLE_NAME), systemClock);
  if ((await keys.find(apiKey)) === null) {
    await keys.create(
      { name: 'local development', tenant: 'local', connections: '*', scopes: [...ALL_SCOPES] },
      apiKey,
    );
  }
  return apiKey;
}

/** A port another process holds, named by the setting that moves it. */
export class PortInUse extends Error {
  constructor(setting: string, port: number) {
    super(
      `port ${port} is in use (another npm start, or another program): stop it, or set ${setting} to a free port`,
    );
  }
}

async function listening<T>(setting: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
      throw new PortInUse(setting, port);
    throw error;
  }
}

/** DynamoDB's files allow one process at a time; say so instead of crashing inside dynalite. */
function refuseIfInUse(runtimeFile: string): void {
  if (!existsSync(runtimeFile)) return;
  const { pid } = JSON.parse(readFileSync(runtimeFile, 'utf8')) as { pid?: number };
  if (pid === undefined || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a runtime that did not stop cleanly; its files are free
  }
  throw new Error(
    `another local runtime (pid ${pid}) uses ${runtimeFile.replace(/runtime\.json$/, '')}; stop it or set DATA_DIR`,
  );
}
