import type * as z from 'zod';
import { CONSOLE_BUILD } from '../shared/api/console-page.ts';
import { REFERENCE_RENDERER } from '../shared/api/docs-page.ts';
import type { BundledFile } from '../shared/api/static-files.ts';
import { DeliveryEnvironment } from '../shared/config/delivery-environment.ts';
import { DispatcherEnvironment } from '../shared/config/dispatcher-environment.ts';
import { DocsEnvironment } from '../shared/config/docs-environment.ts';
import { FanOutEnvironment } from '../shared/config/fan-out-environment.ts';
import { LookupEnvironment } from '../shared/config/lookup-environment.ts';
import { ReadsEnvironment } from '../shared/config/reads-environment.ts';
import { ReconcilerEnvironment } from '../shared/config/reconciler-environment.ts';
import { SnapshotEnvironment } from '../shared/config/snapshot-environment.ts';
import { WebhooksApiEnvironment } from '../shared/config/webhooks-environment.ts';
import type { PartitionFamily } from '../shared/storage/keys.ts';
import type { TABLE } from '../shared/storage/table.ts';

/**
 * Every Lambda function of the product: its handler file, the environment it reads, what it is
 * bound to, and the runtime settings both the CDK stack and the local runtime use. Routes name
 * their function by key (see routes.ts). Handlers never import this module, so the schemas here
 * add nothing to their bundles.
 */

type IndexName = (typeof TABLE)['index' | 'timeline']['name'];

/** The queues a function may send to, and the variable that hands each one its URL. */
export const QUEUE_VARIABLES = {
  snapshotWork: 'SNAPSHOT_QUEUE_URL',
  webhookFanOut: 'WEBHOOK_FANOUT_QUEUE_URL',
  webhookDelivery: 'WEBHOOK_DELIVERY_QUEUE_URL',
  webhookDeadLetters: 'WEBHOOK_DEAD_LETTER_QUEUE_URL',
} as const;
export type QueueBinding = keyof typeof QUEUE_VARIABLES;

/**
 * What a function may use, and nothing else: the stack turns each binding into an environment
 * variable and the grant behind it (infra/constructs/function-bindings.ts), the local runtime into
 * the same variable for its local peers (infra/local/local-environment.ts). The table is granted by
 * the item families the function reads and writes (IAM `dynamodb:LeadingKeys`, keys in
 * shared/storage/keys.ts) and the indexes it queries.
 */
export interface FunctionBindings {
  table?: {
    read: readonly PartitionFamily[];
    write: readonly PartitionFamily[];
    indexes: readonly IndexName[];
  };
  idempotencyTable?: true;
  /** The connections; with `credentials`, read rights on their provider credentials too. */
  connections?: 'references' | 'credentials';
  cursorKey?: true;
  eventsTopic?: 'publish';
  queues?: readonly QueueBinding[];
  /** The webhook secrets key: `seal` new secrets (create, rotate) or `open` them (sign). */
  secretsKey?: 'seal' | 'open';
}

export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  /** The schema the handler loads its environment with (the stack's tests check against it). */
  environment: z.ZodObject;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Package files and built folders the bundle carries beside the handler, gzipped at synth
   * (infra/bundling.ts), for the handler to serve (shared/api/static-files.ts). @default none
   */
  files?: readonly BundledFile[];
  bindings: FunctionBindings;
}

export const FUNCTION_CATALOG = {
  lookup: {
    entry: 'functions/api/lookup.ts',
    description: 'Invoice lookups through the providers (live, or the store standing in) and watches',
    environment: LookupEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
    bindings: {
      table: {
        read: ['apiKey', 'connection', 'watch', 'watchQuota'],
        write: ['watch', 'watchQuota'],
        indexes: ['gsi2'],
      },
      connections: 'credentials',
      cursorKey: true,
    },
  },
  reads: {
    entry: 'functions/api/reads.ts',
    description: 'Reads from the store: event log, histories, snapshot reads, connection status',
    environment: ReadsEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
    bindings: {
      table: { read: ['apiKey', 'connection', 'history'], write: [], indexes: ['gsi2'] },
      connections: 'references',
      cursorKey: true,
    },
  },
  docs: {
    entry: 'functions/api/docs.ts',
    description: 'Health, OpenAPI document, reference page, web console and unknown routes',
    environment: DocsEnvironment,
    timeoutSeconds: 10,
    memoryMb: 256,
    bindings: {},
    // The reference's renderer (4.9 MB) and the console's build: files only the browser needs,
    // so never in the bundle.
    files: [REFERENCE_RENDERER, CONSOLE_BUILD],
  },
  snapshotDispatcher: {
    entry: 'functions/snapshot/dispatcher.ts',
    description: 'Starts one snapshot run per connection',
    environment: DispatcherEnvironment,
    timeoutSeconds: 60,
    memoryMb: 256,
    bindings: { connections: 'references', queues: ['snapshotWork'] },
  },
  snapshotWorker: {
    entry: 'functions/snapshot/worker.ts',
    description: 'Walks a connection, stores changes and publishes events',
    environment: SnapshotEnvironment,
    timeoutSeconds: 300,
    memoryMb: 1024,
    bindings: {
      table: {
        read: ['connection', 'history', 'watch'],
        write: ['connection', 'history'],
        indexes: ['gsi1'],
      },
      connections: 'credentials',
      eventsTopic: 'publish',
      queues: ['snapshotWork'],
    },
  },
  webhooks: {
    entry: 'functions/api/webhooks.ts',
    description: 'Webhook endpoints, deliveries, retries and recovery',
    environment: WebhooksApiEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
    bindings: {
      table: { read: ['apiKey', 'tenant', 'webhook'], write: ['tenant', 'route', 'webhook'], indexes: [] },
      connections: 'references',
      queues: ['webhookDelivery', 'webhookFanOut'],
      secretsKey: 'seal',
    },
  },
  relayFanOut: {
    entry: 'functions/relay/fan-out.ts',
    description: 'Turns events into webhook deliveries',
    environment: FanOutEnvironment,
    timeoutSeconds: 60,
    memoryMb: 512,
    bindings: {
      table: { read: ['tenant', 'route', 'webhook'], write: ['webhook'], indexes: ['gsi1', 'gsi2'] },
      connections: 'references',
      queues: ['webhookDelivery'],
    },
  },
  relayDelivery: {
    entry: 'functions/relay/delivery.ts',
    description: 'Signs and sends webhook deliveries, with retries',
    environment: DeliveryEnvironment,
    timeoutSeconds: 40,
    memoryMb: 512,
    bindings: {
      table: { read: ['tenant', 'webhook'], write: ['tenant', 'webhook'], indexes: ['gsi1'] },
      idempotencyTable: true,
      queues: ['webhookDelivery', 'webhookDeadLetters'],
      secretsKey: 'open',
    },
  },
  relayReconciler: {
    entry: 'functions/relay/reconciler.ts',
    description: 'Queues webhook deliveries whose message was lost',
    environment: ReconcilerEnvironment,
    timeoutSeconds: 120,
    memoryMb: 256,
    bindings: {
      table: { read: ['webhook'], write: ['webhook'], indexes: ['gsi1'] },
      queues: ['webhookDelivery', 'webhookDeadLetters'],
    },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTION_CATALOG;
