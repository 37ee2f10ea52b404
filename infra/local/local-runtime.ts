import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FauxqsServer } from 'fauxqs';
import { FUNCTION_CATALOG, type FunctionName } from '../../functions/catalog.ts';
import { FUNCTIONS, ROUTES } from '../../functions/routes.ts';
import type { ApiHandler } from '../../shared/api/api-handler.ts';
import { problemResponse } from '../../shared/api/api-handler.ts';
import { DynamoApiKeyAdmin } from '../../shared/auth/dynamo-api-keys.ts';
import { ALL_SCOPES } from '../../shared/auth/principal.ts';
import { systemClock } from '../../shared/clock.ts';
import { InvalidInput, UnacceptableRequest } from '../../shared/errors.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../shared/problem.ts';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers/registry.ts';
import type { SandboxApp } from '../../shared/sandbox/sandbox-app.ts';
import { SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import { serveSandboxRequest } from '../../shared/sandbox/sandbox-server.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import {
  type QueueSpec,
  SNAPSHOT_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  WEBHOOK_FANOUT_QUEUE,
} from '../../shared/storage/messaging.ts';
import { createIdempotencyTableInput } from '../../shared/storage/table.ts';
import { lambdaContext, RouteMatcher, toApiGatewayEvent, writeResult } from './api-gateway.ts';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalDynamo, startDynalite } from './dynamodb.ts';
import { startLoopbackFauxqs } from './fauxqs.ts';
import { localConnections } from './local-connections.ts';
import { ensureMessaging, type LocalMessaging, type LocalQueue } from './messaging.ts';
import { type SqsHandler, startSqsPoller } from './sqs-poller.ts';

/**
 * The whole product on one machine, no AWS account and no Docker: the same Lambda handlers behind
 * a local HTTP server that builds real API Gateway v2 events from the shared route table, dynalite
 * as DynamoDB (kept under the data folder), fauxqs as SNS/SQS, and the five sandbox providers
 * mounted under `/sandbox/<provider>`. The handlers are configured through the same environment
 * variables as in AWS, with the SDK's standard endpoint variables pointing at the local peers.
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
  /**
   * Function settings that the stage configuration sets in AWS (see ApiEnvironment); tests use
   * them for tight limits and short timeouts. Unset ones keep the functions' defaults.
   */
  functionSettings?: {
    RATE_LIMIT_PER_SECOND?: number;
    RATE_LIMIT_BURST?: number;
    API_KEY_CACHE_SECONDS?: number;
    UPSTREAM_TIMEOUT_MS?: number;
    EVENT_RETENTION_DAYS?: number;
    SNAPSHOT_SAFETY_MARGIN_SECONDS?: number;
    SNAPSHOT_PAGE_SIZE?: number;
    WEBHOOK_RETRY_SCHEDULE_SECONDS?: string;
    WEBHOOK_TIMEOUT_MS?: number;
    WEBHOOK_CONNECT_TIMEOUT_MS?: number;
    WEBHOOK_RATE_LIMIT_PER_SECOND?: number;
  };
  /** Let webhooks go to loopback and private addresses over http (never link-local). @default false */
  allowPrivateWebhookTargets?: boolean;
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
  /** Waits until the snapshot, fan-out and delivery queues are all drained and idle. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'invoice-relay-local';
const IDEMPOTENCY_TABLE_NAME = 'invoice-relay-local-idempotency';
const MAX_REQUEST_BYTES = 1024 * 1024;

const REPOSITORY = resolve(import.meta.dirname, '../..');

/** A function's handler, imported from the same file the CDK stack bundles. */
async function loadHandler<T>(name: FunctionName): Promise<T> {
  const module = (await import(join(REPOSITORY, FUNCTION_CATALOG[name].entry))) as { handler: T };
  return module.handler;
}

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
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 'fauxqs'), { recursive: true });

  const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
  await ensureTable(dynamo.client, TABLE_NAME);
  await ensureTable(dynamo.client, IDEMPOTENCY_TABLE_NAME, createIdempotencyTableInput);
  const fauxqs = await startLoopbackFauxqs({ dataDir: join(dataDir, 'fauxqs') });
  const messaging = await ensureMessaging(fauxqs.address);
  const sandboxes = new Map(
    PROVIDER_IDS.map((id) => [id, SANDBOXES[id]({ size: options.sandboxSize ?? 300 })]),
  );

  const handlers = new Map<string, ApiHandler>();
  const matcher = new RouteMatcher(ROUTES, FUNCTIONS.docs);
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) writeResult(response, problemResponse(toProblem(error), 'local'));
      else response.end();
    });
  });
  // Requests Node refuses before any handler runs (oversized headers, malformed HTTP) still get a problem.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const problem = toProblem(
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new UnacceptableRequest(431, 'request headers exceed 16 KiB')
        : new InvalidInput('request', 'is not valid HTTP/1.1'),
    );
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local.invalid');
    const sandbox = /^\/sandbox\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (sandbox !== null) {
      const app = sandboxes.get(sandbox[1] as ProviderId);
      if (app !== undefined) {
        await serveSandboxRequest(
          app,
          request,
          response,
          sandbox[2] ?? '/',
          url.searchParams,
          `/sandbox/${sandbox[1]}`,
        );
        return;
      }
    }
    const body = await readBody(request);
    const matched = matcher.match(request.method ?? 'GET', url.pathname);
    if (matched === null) throw new InvalidInput('path', 'is not valid percent-encoding');
    const handler = handlers.get(matched.functionName);
    if (handler === undefined) throw new Error(`no handler for function ${matched.functionName}`);
    const event = toApiGatewayEvent(request, body, matched, url);
    const result = await handler(event, lambdaContext(matched.functionName));
    writeResult(response, result);
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 3000, '127.0.0.1', done);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const local = localConnections(url, options.connectionsFile);
  Object.assign(process.env, local.secrets, {
    TABLE_NAME,
    CONNECTIONS: JSON.stringify(local.connections),
    CURSOR_KEY: JSON.stringify({ environment: 'INVOICE_RELAY_CURSOR_SECRET' }),
    INVOICE_RELAY_CURSOR_SECRET: persistentSecret(join(dataDir, 'cursor-key')),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: fauxqs.address,
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    EVENTS_TOPIC_ARN: messaging.eventsTopicArn,
    SNAPSHOT_QUEUE_URL: messaging.snapshotQueue.url,
    IDEMPOTENCY_TABLE_NAME,
    WEBHOOK_FANOUT_QUEUE_URL: messaging.fanOutQueue.url,
    WEBHOOK_DELIVERY_QUEUE_URL: messaging.deliveryQueue.url,
    WEBHOOK_DEAD_LETTER_QUEUE_URL: messaging.deliveryQueue.deadLetterUrl,
    // Webhook secrets are sealed under a key kept in the data folder (KMS in AWS).
    WEBHOOK_SECRETS_KEY: JSON.stringify({ file: join(dataDir, 'webhook-secrets.key') }),
    ALLOW_PRIVATE_WEBHOOK_TARGETS: String(options.allowPrivateWebhookTargets ?? false),
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
    APP_VERSION: 'local',
    ...Object.fromEntries(
      Object.entries(options.functionSettings ?? {}).map(([name, value]) => [name, String(value)]),
    ),
  });
  for (const name of Object.values(FUNCTIONS)) handlers.set(name, await loadHandler<ApiHandler>(name));
  const dispatch =
    await loadHandler<(event: unknown, context: unknown) => Promise<unknown>>('snapshotDispatcher');
  const onError = (name: string) => (error: unknown) =>
    console.error(`${name}:`, error instanceof Error ? error.message : error);
  /** Each queue-driven function behind a poller, the way its event source mapping runs it. */
  const poll = async (
    name: 'snapshotWorker' | 'relayFanOut' | 'relayDelivery',
    queue: LocalQueue,
    spec: QueueSpec,
    concurrency: number,
  ) =>
    startSqsPoller({
      client: messaging.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: await loadHandler<SqsHandler>(name),
      functionName: name,
      batchSize: spec.batchSize,
      concurrency,
      onError: onError(name),
    });
  const worker = await poll('snapshotWorker', messaging.snapshotQueue, SNAPSHOT_QUEUE, 3);
  const pollers = [
    worker,
    await poll('relayFanOut', messaging.fanOutQueue, WEBHOOK_FANOUT_QUEUE, 2),
    await poll('relayDelivery', messaging.deliveryQueue, WEBHOOK_DELIVERY_QUEUE, 2),
  ];
  const runSchedule = () => dispatch({ source: 'local.scheduler' }, lambdaContext('snapshotDispatcher'));
  const intervalSeconds = options.snapshotIntervalSeconds ?? 15;
  const schedule =
    intervalSeconds > 0
      ? setInterval(() => {
          runSchedule().catch((error: unknown) => console.error('snapshot schedule:', error));
        }, intervalSeconds * 1000)
      : undefined;
  if (intervalSeconds > 0)
    runSchedule().catch((error: unknown) => console.error('snapshot schedule:', error));

  const apiKey = persistentSecret(join(dataDir, 'dev-api-key'), options.devApiKey);
  const keys = new DynamoApiKeyAdmin(new Table(dynamo.client, TABLE_NAME), systemClock);
  if ((await keys.find(apiKey)) === null) {
    await keys.create(
      { name: 'local development', tenant: 'local', connections: '*', scopes: [...ALL_SCOPES] },
      apiKey,
    );
  }
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
      await runSchedule();
      await worker.idle();
    },
    async settle() {
      // A queue can refill while another drains (events fan out into deliveries): settle twice.
      for (let round = 0; round < 2; round++) for (const poller of pollers) await poller.idle();
    },
    async stop() {
      rmSync(runtimeFile, { force: true });
      clearInterval(schedule);
      await Promise.all(pollers.map((poller) => poller.stop()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
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

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES)
      throw new UnacceptableRequest(413, `request body exceeds ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
