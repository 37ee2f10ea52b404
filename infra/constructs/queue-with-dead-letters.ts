import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/storage/messaging.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';
import { removalPolicyOf } from './removal.ts';

export interface QueueWithDeadLettersProps {
  /** Visibility, receive count and batch size (shared/storage/messaging.ts, also used locally). */
  spec: QueueSpec;
  stage: StageConfig;
  key: IKey;
}

/**
 * A work queue and its dead-letter queue, both encrypted with the stack's key and reachable over
 * TLS only. Dead letters stay 14 days (SQS's longest) for an operator to look at and redrive.
 */
export class QueueWithDeadLetters extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly spec: QueueSpec;

  constructor(scope: Construct, id: string, props: QueueWithDeadLettersProps) {
    super(scope, id);
    this.spec = props.spec;
    const common = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    };
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      ...common,
      removalPolicy: removalPolicyOf(props.stage),
    });
    this.queue = new Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: Duration.seconds(props.spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.spec.maxReceiveCount },
    });
  }

  /** The function consumes the queue, in batches of the spec's size, reporting failed items only. */
  consumeWith(fn: InvoiceRelayFunction, maxConcurrency?: number): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.spec.batchSize,
        reportBatchItemFailures: true,
        ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
      }),
    );
  }
}
