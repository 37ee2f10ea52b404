import { RemovalPolicy } from 'aws-cdk-lib';
import type { StageConfig } from '../stage-config.ts';

/** The stage's removal policy for stateful resources (tables, keys, logs, dead letters). */
export function removalPolicyOf(stage: StageConfig): RemovalPolicy {
  return stage.storage.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
