import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';

export interface ScheduledInvokeProps {
  stage: StageConfig;
  target: InvoiceRelayFunction;
  every: Duration;
  description: string;
}

/**
 * An EventBridge Scheduler rate that invokes one function, with a role of its own that may invoke
 * only that function. A missed run is made up by the next one, so a late one is not retried long.
 */
export class ScheduledInvoke extends Construct {
  readonly schedule: Schedule;
  readonly role: Role;
  readonly target: InvoiceRelayFunction;

  constructor(scope: Construct, id: string, props: ScheduledInvokeProps) {
    super(scope, id);
    this.target = props.target;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `invoice-relay ${props.stage.name}: ${props.description}`,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `invoice-relay ${props.stage.name}: ${props.description}`,
      schedule: ScheduleExpression.rate(props.every),
      target: new LambdaInvoke(props.target, {
        role: this.role,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    });
  }
}
