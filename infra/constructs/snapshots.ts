import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SNAPSHOT_QUEUE } from '../../shared/storage/messaging.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { QueueWithDeadLetters } from './queue-with-dead-letters.ts';
import { ScheduledInvoke } from './scheduled-invoke.ts';

export interface SnapshotsProps {
  stage: StageConfig;
  key: IKey;
}

/**
 * Snapshots on a schedule: EventBridge Scheduler invokes the dispatcher every
 * `snapshots.intervalMinutes`; it queues one run per connection; workers (reserved concurrency:
 * at most that many connections walked at once, and never more) walk, store and publish, and hand
 * long walks over to continuation messages on the same queue.
 */
export class Snapshots extends Construct {
  readonly work: QueueWithDeadLetters;
  readonly #stage: StageConfig;
  schedule: ScheduledInvoke | undefined;

  constructor(scope: Construct, id: string, props: SnapshotsProps) {
    super(scope, id);
    this.#stage = props.stage;
    this.work = new QueueWithDeadLetters(this, 'Work', {
      spec: SNAPSHOT_QUEUE,
      stage: props.stage,
      key: props.key,
    });
  }

  /** The schedule invokes the dispatcher; the workers consume the work queue. */
  wire(dispatcher: InvoiceRelayFunction, worker: InvoiceRelayFunction): void {
    const stage = this.#stage;
    this.work.consumeWith(worker, stage.snapshots.workerConcurrency);
    this.schedule = new ScheduledInvoke(this, 'Schedule', {
      stage,
      target: dispatcher,
      every: Duration.minutes(stage.snapshots.intervalMinutes),
      description: 'snapshot every connection',
    });
  }
}
