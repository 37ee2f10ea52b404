import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type * as z from 'zod';
import { FUNCTION_CATALOG, type FunctionName } from '../../functions/catalog.ts';
import {
  bundledBuildCommands,
  bundledFileCommands,
  FUNCTION_BUNDLING,
  FUNCTION_NODE_OPTIONS,
} from '../bundling.ts';
import { REPOSITORY_ROOT } from '../paths.ts';
import type { StageConfig } from '../stage-config.ts';
import { removalPolicyOf } from './removal.ts';

/** Every variable some function reads: the keys of the schemas functions/catalog.ts names. */
export type EnvironmentVariable = {
  [N in FunctionName]: keyof z.input<(typeof FUNCTION_CATALOG)[N]['environment']> & string;
}[FunctionName];

/** The variables whose values come from the stage file (resources are bound by the constructs). */
function stageVariables(stage: StageConfig, version: string): Partial<Record<EnvironmentVariable, string>> {
  return {
    APP_VERSION: version,
    EVENT_RETENTION_DAYS: String(stage.events.retentionDays),
    RATE_LIMIT_PER_SECOND: String(stage.api.perKeyRatePerSecond),
    RATE_LIMIT_BURST: String(stage.api.perKeyBurst),
    API_KEY_CACHE_SECONDS: String(stage.api.keyCacheSeconds),
    ALLOW_PRIVATE_WEBHOOK_TARGETS: String(stage.webhooks.allowPrivateTargets),
    WEBHOOK_RATE_LIMIT_PER_SECOND: String(stage.webhooks.ratePerSecondPerEndpoint),
    WEBHOOK_RETRY_SCHEDULE_SECONDS: stage.webhooks.retryScheduleSeconds.join(','),
    WEBHOOK_DISABLE_AFTER_HOURS: String(stage.webhooks.disableAfterHours),
  };
}

export interface InvoiceRelayFunctionProps {
  /** Which function of functions/catalog.ts (entry, timeout, memory, description). */
  name: FunctionName;
  stage: StageConfig;
  /** Version reported by the API and in logs. */
  version: string;
  /** @default no reservation */
  reservedConcurrency?: number;
}

/**
 * One Lambda function with the product's defaults: Node.js 24 on arm64, bundled here by the local
 * esbuild into one minified ES module with its AWS SDK clients (infra/bundling.ts), source maps,
 * active tracing, and its own log group with the stage's retention. Its role starts empty: it may
 * write its own logs and traces, and everything else comes from the `bind…` helpers of the
 * constructs it uses.
 */
export class InvoiceRelayFunction extends NodejsFunction {
  readonly functionKey: FunctionName;

  constructor(scope: Construct, id: string, props: InvoiceRelayFunctionProps) {
    const spec = FUNCTION_CATALOG[props.name];
    const files = 'files' in spec ? spec.files : [];
    const removalPolicy = removalPolicyOf(props.stage);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.stage.logs.retentionDays,
      removalPolicy,
    });
    // A role of our own: the default one carries the AWS-managed basic execution policy, which
    // lets the function write to any log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${spec.description} (${props.stage.name})`,
    });
    super(scope, id, {
      entry: `${REPOSITORY_ROOT}/${spec.entry}`,
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}/package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        // Settings from the stage file, each to the functions whose schema reads it.
        ...Object.fromEntries(
          Object.entries(stageVariables(props.stage, props.version)).filter(
            ([name]) => name in spec.environment.shape,
          ),
        ),
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourcemap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        // Bundle the SDK clients (pinned, tree-shaken) instead of the runtime's copy.
        bundleAwsSDK: true,
        externalModules: [],
        logLevel: LogLevel.ERROR,
        // Files the function serves (the reference's renderer, the console's build), beside the bundle.
        commandHooks: {
          beforeBundling: (inputDir) => bundledBuildCommands(files, inputDir),
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => bundledFileCommands(files, inputDir, outputDir),
        },
      },
    });
    this.functionKey = props.name;
    logGroup.grantWrite(role);
  }

  /** Sets a variable the function reads; the name is checked against the functions' schemas. */
  setVariable(name: EnvironmentVariable, value: string): this {
    this.addEnvironment(name, value);
    return this;
  }
}
