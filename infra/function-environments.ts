import { App, type CfnElement } from 'aws-cdk-lib';
import type { FunctionName } from '../functions/catalog.ts';
import { InvoiceRelayStack } from './invoice-relay-stack.ts';
import { loadStage } from './stage-config.ts';

/**
 * The environment each function of a stage gets, as CloudFormation would hand it over, with every
 * reference to another resource (a table name, a queue URL, a secret ARN) replaced by a readable
 * placeholder. The stack tests check these against each function's schema; bench/cold-start
 * starts each bundle with them, so a cold start there reads the configuration a deployed one does.
 */
export function stageEnvironments(stageName: string): Record<FunctionName, Record<string, string>> {
  // Bundling is skipped: only the template matters here.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new InvoiceRelayStack(app, 'Environments', {
    stage: loadStage(stageName),
    version: 'environments',
  });
  const resources = app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<
    string,
    { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
  const environments = {} as Record<FunctionName, Record<string, string>>;
  for (const fn of stack.functions) {
    const id = stack.resolve((fn.node.defaultChild as CfnElement).logicalId) as string;
    const variables = resources[id]?.Properties?.Environment?.Variables ?? {};
    environments[fn.functionKey] = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, placeholder(value)]),
    );
  }
  return environments;
}

/** A CloudFormation value as the function would read it, references standing in as `<LogicalId>`. */
export function placeholder(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return `<${String(object.Ref)}>`;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as unknown[]).join('.')}>`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(placeholder).join(separator);
    }
  }
  return JSON.stringify(value);
}
