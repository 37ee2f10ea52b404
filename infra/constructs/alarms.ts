import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/observability.ts';
import { SNAPSHOT_METRICS } from '../../shared/snapshot/snapshot-metrics.ts';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';

export interface AlarmsProps {
  stage: StageConfig;
  key: IKey;
  functions: InvoiceRelayFunction[];
  /** Every dead-letter queue, by a readable name. */
  deadLetterQueues: Record<string, IQueue>;
  api: HttpStage;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What an operator is woken for, each alarm notifying one encrypted SNS topic (subscribe a pager
 * or chat integration to it; the stage's addresses are subscribed by email):
 * - a dead-letter queue holding messages (a failed snapshot run, fan-out or delivery);
 * - a function's errors or throttles over 5 minutes;
 * - API 5xx answers over 5 minutes;
 * - snapshot lag: a connection with no completed snapshot for `snapshotLagMinutes` (the worker's
 *   SnapshotCompleted metric; no data counts as lagging, since a stalled worker sends none).
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { stage } = props;
    this.topic = new Topic(this, 'Topic', {
      displayName: `invoice-relay ${stage.name}: alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes to the encrypted topic, so it must be able to use the key.
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    for (const email of stage.alarms.emails) this.topic.addSubscription(new EmailSubscription(email));
    const { alarms } = stage;

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.#alarm(`${name}DeadLetters`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: Stats.MAXIMUM,
        }),
        threshold: alarms.deadLetterMessages,
        description: `${name}: messages in the dead-letter queue; look at them, fix the cause, redrive`,
      });
    }
    for (const fn of props.functions) {
      this.#alarm(`${fn.node.id}Errors`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: alarms.functionErrors,
        description: `${fn.functionKey}: errors in 5 minutes`,
      });
      this.#alarm(`${fn.node.id}Throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        threshold: alarms.functionThrottles,
        description: `${fn.functionKey}: throttled invocations in 5 minutes`,
      });
    }
    this.#alarm('Api5xx', {
      metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: alarms.api5xx,
      description: 'API: 5xx answers in 5 minutes',
    });
    for (const connection of stage.connections) {
      this.#alarm(`SnapshotLag-${connection.id}`, {
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: SNAPSHOT_METRICS.completed,
          dimensionsMap: { service: SNAPSHOT_METRICS.service, connection: connection.id },
          period: Duration.minutes(alarms.snapshotLagMinutes),
          statistic: Stats.SUM,
        }),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        missingData: TreatMissingData.BREACHING,
        description: `${connection.id}: no completed snapshot in ${alarms.snapshotLagMinutes} minutes`,
      });
    }
  }

  #alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      comparison?: ComparisonOperator;
      missingData?: TreatMissingData;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missingData ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
