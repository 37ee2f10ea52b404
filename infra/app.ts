import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InvoiceRelayStack } from './invoice-relay-stack.ts';
import { acknowledgeFindings } from './nag-acknowledgements.ts';
import { REPOSITORY_ROOT } from './paths.ts';
import { loadStage } from './stage-config.ts';

/**
 * The CDK app: one stack per stage, `npx cdk synth|deploy -c stage=dev|staging|prod`. The stage's
 * settings come from infra/stages/<stage>.json. The AWS Solutions rules of cdk-nag run on every
 * synth; an unacknowledged finding fails it.
 */
export function buildApp(stageName: string, app = new App()): { app: App; stack: InvoiceRelayStack } {
  const stage = loadStage(stageName);
  const { version } = JSON.parse(readFileSync(`${REPOSITORY_ROOT}/package.json`, 'utf8')) as {
    version: string;
  };
  const stack = new InvoiceRelayStack(app, `invoice-relay-${stage.name}`, {
    stage,
    version,
    description: `invoice-relay (${stage.name}): one API, events and webhooks over many invoice providers`,
    // The stack takes its region from the stage.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeFindings(stack);
  return { app, stack };
}

if (import.meta.main) {
  const app = new App();
  const stageName = app.node.tryGetContext('stage');
  if (typeof stageName !== 'string') {
    console.error('Which stage? npx cdk synth -c stage=dev|staging|prod');
    process.exit(1);
  }
  buildApp(stageName, app);
}
