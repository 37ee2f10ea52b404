import type * as z from 'zod';
import { REFERENCE_RENDERER } from '../shared/api/docs-page.ts';
import type { PackagedFile } from '../shared/api/static-files.ts';
import {
  DocsEnvironment,
  LookupEnvironment,
  ReadsEnvironment,
  WebhooksApiEnvironment,
} from '../shared/config/api-environment.ts';
import {
  DeliveryEnvironment,
  FanOutEnvironment,
  ReconcilerEnvironment,
} from '../shared/config/relay-environment.ts';
import { DispatcherEnvironment, SnapshotEnvironment } from '../shared/config/snapshot-environment.ts';

/**
 * Every Lambda function of the product: its handler file, the environment it reads and the runtime
 * settings both the CDK stack and the local runtime use. Routes name their function by key (see
 * routes.ts). Handlers never import this module, so the schemas here add nothing to their bundles.
 */
export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  /** The schema the handler loads its environment with (the stack's tests check against it). */
  environment: z.ZodObject;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Package files the bundle carries beside the handler, gzipped as `<name>.gz` at synth
   * (infra/bundling.ts), for the handler to serve (shared/api/static-files.ts). @default none
   */
  files?: readonly PackagedFile[];
}

export const FUNCTION_CATALOG = {
  lookup: {
    entry: 'functions/api/lookup.ts',
    description: 'Invoice lookups through the providers (live, or the store standing in) and watches',
    environment: LookupEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  reads: {
    entry: 'functions/api/reads.ts',
    description: 'Reads from the store: event log, histories, snapshot reads, connection status',
    environment: ReadsEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  docs: {
    entry: 'functions/api/docs.ts',
    description: 'Health, OpenAPI document, reference page and unknown routes',
    environment: DocsEnvironment,
    timeoutSeconds: 10,
    memoryMb: 256,
    // The reference's renderer: 4.9 MB that only the page's browser needs, so never in the bundle.
    files: [REFERENCE_RENDERER],
  },
  snapshotDispatcher: {
    entry: 'functions/snapshot/dispatcher.ts',
    description: 'Starts one snapshot run per connection',
    environment: DispatcherEnvironment,
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  snapshotWorker: {
    entry: 'functions/snapshot/worker.ts',
    description: 'Walks a connection, stores changes and publishes events',
    environment: SnapshotEnvironment,
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
  webhooks: {
    entry: 'functions/api/webhooks.ts',
    description: 'Webhook endpoints, deliveries, retries and recovery',
    environment: WebhooksApiEnvironment,
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  relayFanOut: {
    entry: 'functions/relay/fan-out.ts',
    description: 'Turns events into webhook deliveries',
    environment: FanOutEnvironment,
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  relayDelivery: {
    entry: 'functions/relay/delivery.ts',
    description: 'Signs and sends webhook deliveries, with retries',
    environment: DeliveryEnvironment,
    timeoutSeconds: 40,
    memoryMb: 512,
  },
  relayReconciler: {
    entry: 'functions/relay/reconciler.ts',
    description: 'Queues webhook deliveries whose message was lost',
    environment: ReconcilerEnvironment,
    timeoutSeconds: 120,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTION_CATALOG;
