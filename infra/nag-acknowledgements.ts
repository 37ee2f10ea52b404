import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { InvoiceRelayStack } from './invoice-relay-stack.ts';

/**
 * Every AWS Solutions finding this stack accepts, each on the narrowest construct and with the
 * reason it is right here. Anything else cdk-nag reports fails the synth. The stack's tests list
 * the findings a synth raises, so a new one cannot slip in under an old acknowledgement.
 */

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag names a resource in a finding: its logical id. */
function logicalIdOf(stack: InvoiceRelayStack, construct: IConstruct): string {
  return stack.resolve(((construct.node.defaultChild ?? construct) as CfnElement).logicalId) as string;
}

export function acknowledgeFindings(stack: InvoiceRelayStack): void {
  acknowledge(
    stack.api.api,
    'AwsSolutions-APIG4',
    'Every /v1 route checks its API key in the function (shared/api/api-access.ts: hashed keys, scopes, per-connection access), because an HTTP API authorizer refuses requests with a body of its own, not the RFC 9457 problem the API promises; /health, /openapi.json, /docs and $default are public by design.',
  );
  acknowledge(
    stack.connections.cursorKey,
    'AwsSolutions-SMG4',
    'The cursor-signing key is random, never leaves the functions, and signs cursors that expire after 24 hours; rotating it would break every cursor in flight. Replace it by hand if it is ever exposed.',
  );
  for (const scheduled of [stack.snapshots.schedule, stack.relay.reconcile]) {
    if (scheduled === undefined) continue;
    acknowledge(
      scheduled.role,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack, scheduled.target)}.Arn>:*]`,
      'The scheduler may invoke its one function and that function’s versions (the :* suffix), nothing else.',
    );
  }
  for (const fn of stack.functions) {
    const role = fn.role;
    if (role === undefined) continue;
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions. The stack tests check that no other statement has a wildcard resource.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      "Added by the queue and table grants on the stack's data key only: data keys for SQS and DynamoDB encryption.",
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      "Added by the queue and table grants on the stack's data key only.",
    );
  }
}
