import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { SNAPSHOT_QUEUE } from '../../shared/storage/messaging.ts';
import type { StageConfig } from '../stage-config.ts';
import type { Connections } from './connections.ts';
import type { Events } from './events.ts';
import { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { QueueWithDeadLetters } from './queue-with-dead-letters.ts';
import type { Storage } from './storage.ts';

export interface SnapshotsProps {
  stage: StageConfig;
  version: string;
  key: IKey;
  storage: Storage;
  events: Events;
  connections: Connections;
}

/**
 * Snapshots on a schedule: EventBridge Scheduler invokes the dispatcher every
 * `snapshots.intervalMinutes`; it queues one run per connection; workers (reserved concurrency:
 * at most that many connections walked at once, and never more) walk, store and publish.
 */
export class Snapshots extends Construct {
  readonly work: QueueWithDeadLetters;
  readonly schedule: Schedule;
  /** The role the scheduler invokes the dispatcher with. */
  readonly schedulerRole: Role;
  readonly functions: InvoiceRelayFunction[];

  constructor(scope: Construct, id: string, props: SnapshotsProps) {
    super(scope, id);
    const { stage } = props;
    this.work = new QueueWithDeadLetters(this, 'Work', { spec: SNAPSHOT_QUEUE, stage, key: props.key });

    const dispatcher = new InvoiceRelayFunction(this, 'Dispatcher', {
      name: 'snapshotDispatcher',
      stage,
      version: props.version,
    });
    props.connections.bindConnections(dispatcher, { credentials: false });
    this.work.bindSender(dispatcher, 'SNAPSHOT_QUEUE_URL');

    const worker = new InvoiceRelayFunction(this, 'Worker', {
      name: 'snapshotWorker',
      stage,
      version: props.version,
      reservedConcurrency: stage.snapshots.workerConcurrency,
    });
    props.storage.bindTable(worker);
    props.events.bindPublisher(worker);
    props.connections.bindConnections(worker, { credentials: true });
    // Long walks hand over to a continuation message on the same queue.
    this.work.bindSender(worker, 'SNAPSHOT_QUEUE_URL');
    this.work.consumeWith(worker, stage.snapshots.workerConcurrency);

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `invoice-relay ${stage.name}: starts snapshot rounds`,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `invoice-relay ${stage.name}: snapshot every connection`,
      schedule: ScheduleExpression.rate(Duration.minutes(stage.snapshots.intervalMinutes)),
      // A missed round is made up by the next one, so a late one is not worth retrying for long.
      target: new LambdaInvoke(dispatcher, {
        role: this.schedulerRole,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    });
    this.functions = [dispatcher, worker];
  }
}
