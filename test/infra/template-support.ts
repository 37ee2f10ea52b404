import type { CfnElement } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/app.ts';
import { placeholder } from '../../infra/function-environments.ts';
import type { InvoiceRelayStack } from '../../infra/invoice-relay-stack.ts';
import { loadStage, STAGE_NAMES, type StageConfig } from '../../infra/stage-config.ts';

/** Reading a synthesized template the way the stack tests need it. */

type Json = unknown;

/** The logical id CloudFormation knows a construct (or its default child) by. */
export function logicalId(stack: InvoiceRelayStack, construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.resolve(element.logicalId) as string;
}

/**
 * A resource reference as a short name: `Ref`/`Fn::GetAtt` give the logical id, a join gives its
 * parts with references as ids (`Table/index/*`, `arn:…:secret:name-??????`), `*` stays `*`.
 */
export function referenceName(value: Json): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, Json>;
    if ('Ref' in object) return String(object.Ref);
    if ('Fn::GetAtt' in object) return String((object['Fn::GetAtt'] as Json[])[0]);
    if ('Fn::Join' in object) {
      const [, parts] = object['Fn::Join'] as [string, Json[]];
      return parts.map(referenceName).join('');
    }
  }
  return JSON.stringify(value);
}

/** Every action a role's policies allow, with the resources (short names) it is allowed on. */
export function permissions(template: Template, roleId: string): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  const policies = template.findResources('AWS::IAM::Policy');
  for (const policy of Object.values(policies)) {
    const properties = policy.Properties as {
      Roles: Json[];
      PolicyDocument: { Statement: Array<{ Effect: string; Action: string | string[]; Resource: Json }> };
    };
    if (!properties.Roles.some((role) => referenceName(role) === roleId)) continue;
    for (const statement of properties.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const action of actions) {
        const set = allowed.get(action) ?? new Set<string>();
        for (const resource of resources) set.add(referenceName(resource));
        allowed.set(action, set);
      }
    }
  }
  return allowed;
}

/** A role's allowed statements on the product's table: actions, resource and partition prefixes. */
export interface TableStatement {
  actions: string[];
  resource: string;
  /** The `dynamodb:LeadingKeys` patterns the statement is limited to; null when it is not. */
  leadingKeys: string[] | null;
}

export function tableStatements(template: Template, roleId: string, tableId: string): TableStatement[] {
  const found: TableStatement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const properties = policy.Properties as {
      Roles: Json[];
      PolicyDocument: {
        Statement: Array<{ Effect: string; Action: string | string[]; Resource: Json; Condition?: Json }>;
      };
    };
    if (!properties.Roles.some((role) => referenceName(role) === roleId)) continue;
    for (const statement of properties.PolicyDocument.Statement) {
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resources.map(referenceName)) {
        if (!resource.startsWith(tableId)) continue;
        const condition = statement.Condition as
          | { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string[] } }
          | undefined;
        found.push({
          actions: Array.isArray(statement.Action) ? statement.Action : [statement.Action],
          resource,
          leadingKeys: condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? null,
        });
      }
    }
  }
  return found;
}

/** A function's environment as the function would see it (see infra/function-environments.ts). */
export function environmentOf(template: Template, functionId: string): Record<string, string> {
  const resource = template.toJSON().Resources[functionId] as {
    Properties: { Environment?: { Variables?: Record<string, Json> } };
  };
  const variables = resource.Properties.Environment?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, placeholder(value)]));
}

export interface Synthesized {
  stage: StageConfig;
  stack: InvoiceRelayStack;
  template: Template;
}

let synthesized: Map<string, Synthesized> | undefined;

/**
 * The stack of every stage, synthesized once per test file with the AWS Solutions checks (a
 * finding without an acknowledgement makes the synth throw). Bundling is skipped: no assertion
 * reads the code, and CI's `cdk synth` of every stage and bench/cold-start bundle it for real.
 */
export function synthesizedStage(name: string): Synthesized {
  synthesized ??= new Map(
    STAGE_NAMES.map((stage) => {
      const { stack } = buildApp(stage, new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
      return [stage, { stage: loadStage(stage), stack, template: Template.fromStack(stack) }];
    }),
  );
  const found = synthesized.get(name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
}
