/**
 * Every Lambda function of the product: its handler file and the runtime settings both the CDK
 * stack and the local runtime use. Routes name their function by key (see routes.ts).
 */
export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
}

export const FUNCTION_CATALOG = {
  lookup: {
    entry: 'functions/api/lookup.ts',
    description: 'Invoice lookups through the providers',
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  events: {
    entry: 'functions/api/events.ts',
    description: 'Event log, histories and watches',
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  docs: {
    entry: 'functions/api/docs.ts',
    description: 'Health, OpenAPI document, reference page and unknown routes',
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  snapshotDispatcher: {
    entry: 'functions/snapshot/dispatcher.ts',
    description: 'Starts one snapshot run per connection',
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  snapshotWorker: {
    entry: 'functions/snapshot/worker.ts',
    description: 'Walks a connection, stores changes and publishes events',
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
  webhooks: {
    entry: 'functions/api/webhooks.ts',
    description: 'Webhook endpoints, deliveries, retries and recovery',
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  relayFanOut: {
    entry: 'functions/relay/fan-out.ts',
    description: 'Turns events into webhook deliveries',
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  relayDelivery: {
    entry: 'functions/relay/delivery.ts',
    description: 'Signs and sends webhook deliveries, with retries',
    timeoutSeconds: 40,
    memoryMb: 512,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTION_CATALOG;
