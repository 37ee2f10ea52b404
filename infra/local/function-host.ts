import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { FUNCTION_CATALOG, type FunctionName } from '../../functions/catalog.ts';
import { type SqsHandler, type SqsPoller, startSqsPoller } from './sqs-poller.ts';

/**
 * What the Lambda service does for the functions, on this machine: loads each handler with its
 * own environment, hands it a context whose deadline is the function's timeout, runs queue
 * consumers as pollers and schedules as timers, and, when the runtime stops, ends every running
 * invocation's time, so that long walks hand over their progress instead of being cut off.
 */

const REPOSITORY = resolve(import.meta.dirname, '../..');

/** How long stopping waits for running invocations before it tears the peers down anyway. */
const STOP_GRACE_MS = 5000;

export class FunctionHost {
  #stopping = false;
  readonly #pollers: SqsPoller[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #onError: (source: string, error: unknown) => void;

  constructor(onError: (source: string, error: unknown) => void) {
    this.#onError = onError;
  }

  /**
   * A function's handler, imported from the same file the CDK stack bundles, with its environment
   * in place while its module loads (handlers read their configuration once, at cold start).
   */
  async load<T>(name: FunctionName, environment: Readonly<Record<string, string>>): Promise<T> {
    const previous = new Map(Object.keys(environment).map((variable) => [variable, process.env[variable]]));
    Object.assign(process.env, environment);
    try {
      const module = (await import(join(REPOSITORY, FUNCTION_CATALOG[name].entry))) as { handler: T };
      return module.handler;
    } finally {
      for (const [variable, value] of previous) {
        if (value === undefined) delete process.env[variable];
        else process.env[variable] = value;
      }
    }
  }

  /**
   * A Lambda context as the Lambda runtime provides it: the function's name, memory and deadline,
   * from the catalog the stack deploys it with. Once the host is stopping, no time remains.
   */
  context(name: FunctionName): Context {
    const spec = FUNCTION_CATALOG[name];
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => (this.#stopping ? 0 : Math.max(0, deadline - Date.now())),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }

  /** The function consumes a queue, the way its event source mapping runs it. */
  consume(
    name: FunctionName,
    handler: SqsHandler,
    queue: { client: SQSClient; url: string; arn: string; batchSize: number; concurrency: number },
  ): SqsPoller {
    const poller = startSqsPoller({
      client: queue.client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler,
      context: () => this.context(name),
      batchSize: queue.batchSize,
      concurrency: queue.concurrency,
      onError: (error) => this.#onError(name, error),
    });
    this.#pollers.push(poller);
    return poller;
  }

  /** Runs `invoke` every `seconds` (the schedule's stand-in), and once at once when `now`. */
  every(name: string, seconds: number, invoke: () => Promise<unknown>, now = false): void {
    const run = () => {
      if (!this.#stopping) invoke().catch((error: unknown) => this.#onError(name, error));
    };
    this.#timers.push(setInterval(run, seconds * 1000));
    if (now) run();
  }

  /** Waits until every queue is drained and no batch is being handled. */
  async settle(): Promise<void> {
    // A queue can refill while another drains (events fan out into deliveries): settle twice.
    for (let round = 0; round < 2; round++) for (const poller of this.#pollers) await poller.idle();
  }

  /**
   * Stops the schedules and the pollers, and ends the time of running invocations; answers once
   * they returned, or after a short grace period when one does not.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#timers) clearInterval(timer);
    const stopped = Promise.all(this.#pollers.map((poller) => poller.stop()));
    await Promise.race([stopped, new Promise((done) => setTimeout(done, STOP_GRACE_MS).unref())]);
  }
}
