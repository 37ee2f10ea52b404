import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ConnectionConfig } from '../shared/connections/connection-config.ts';

/**
 * What differs between dev, staging and prod, as data: one JSON file per stage under
 * infra/stages/, checked against this schema when the app starts (`cdk synth -c stage=…`). A bad
 * file stops the synth with the path of every problem; nothing in the constructs branches on the
 * stage's name.
 */

/** CloudWatch Logs accepts these retention periods only. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * A deployed connection: its credentials live in Secrets Manager (never an environment
 * variable, never this file) and it is reached over https.
 */
const DeployedConnection = ConnectionConfig.superRefine((connection, context) => {
  if (!('secretsManager' in connection.credentials)) {
    context.addIssue({
      code: 'custom',
      path: ['credentials'],
      message: 'deployed stages take credentials from Secrets Manager: { "secretsManager": "<name or ARN>" }',
    });
  }
  if (!connection.baseUrl.startsWith('https://')) {
    context.addIssue({
      code: 'custom',
      path: ['baseUrl'],
      message: 'deployed stages call providers over https',
    });
  }
});

export const StageConfig = z
  .strictObject({
    /** Stage name: part of every resource name and tag. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/),
    /** AWS region the stage deploys to (the account comes from the deploying credentials). */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    storage: z.strictObject({
      /** What happens to the tables, keys and log groups when the stack is deleted. */
      removalPolicy: z.enum(['retain', 'destroy']),
      pointInTimeRecovery: z.boolean(),
      deletionProtection: z.boolean(),
    }),
    logs: z.strictObject({
      retentionDays: z.literal(LOG_RETENTION_DAYS),
    }),
    api: z.strictObject({
      /** HTTP API stage throttling, across all callers. */
      throttle: z.strictObject({
        rateLimit: z.number().positive(),
        burstLimit: z.number().int().positive(),
      }),
      /** Per API key, per function instance (see shared/auth/rate-limiter.ts). */
      perKeyRatePerSecond: z.number().positive(),
      perKeyBurst: z.number().int().positive(),
      /** How long an instance trusts a key lookup: a revoked key works at most this long. */
      keyCacheSeconds: z.number().int().min(0).max(300),
    }),
    snapshots: z.strictObject({
      /** The scheduler starts a snapshot round this often. */
      intervalMinutes: z.number().int().min(1).max(1440),
      /** Reserved concurrency of the snapshot workers: connections walked at once. */
      workerConcurrency: z.number().int().min(2).max(100),
    }),
    events: z.strictObject({
      /** Days events stay in the event log and invoice histories. */
      retentionDays: z.number().int().min(1).max(365),
      /** Other AWS accounts allowed to subscribe to the events topic (12 digits each). */
      subscriberAccounts: z.array(z.string().regex(/^\d{12}$/)).default([]),
    }),
    webhooks: z.strictObject({
      /**
       * Deployed stages never deliver to loopback or private addresses, nor over plain http; only
       * the local runtime may (ALLOW_PRIVATE_WEBHOOK_TARGETS). Kept here so that the rule is visible.
       */
      allowPrivateTargets: z.literal(false),
      ratePerSecondPerEndpoint: z.number().int().min(1).max(1000),
      /** Seconds before each retry; past the last, a delivery is dead-lettered. */
      retryScheduleSeconds: z.array(z.number().min(0).max(43_200)).min(1).max(20),
      disableAfterHours: z.number().positive(),
      /** Delivery functions running at once (the event source's maximum concurrency). */
      deliveryConcurrency: z.number().int().min(2).max(1000),
    }),
    alarms: z.strictObject({
      /** Messages in any dead-letter queue before its alarm fires. */
      deadLetterMessages: z.number().int().min(1),
      /** Errors (and, separately, throttles) of one function in 5 minutes. */
      functionErrors: z.number().int().min(1),
      functionThrottles: z.number().int().min(1),
      /** 5xx answers of the API in 5 minutes. */
      api5xx: z.number().int().min(1),
      /** A connection with no completed snapshot for this long raises the lag alarm. */
      snapshotLagMinutes: z.number().int().min(5).max(1440),
      /** Addresses subscribed to the alarm topic (each confirms by email). */
      emails: z.array(z.email()).default([]),
    }),
    connections: z.array(DeployedConnection).superRefine((connections, context) => {
      const ids = connections.map((connection) => connection.id);
      ids.forEach((id, index) => {
        if (ids.indexOf(id) !== index)
          context.addIssue({ code: 'custom', path: [index, 'id'], message: 'is not unique' });
      });
    }),
  })
  .superRefine((stage, context) => {
    // A lag window shorter than two rounds would raise the alarm between healthy rounds.
    if (stage.alarms.snapshotLagMinutes < 2 * stage.snapshots.intervalMinutes) {
      context.addIssue({
        code: 'custom',
        path: ['alarms', 'snapshotLagMinutes'],
        message: `must be at least twice snapshots.intervalMinutes (${2 * stage.snapshots.intervalMinutes})`,
      });
    }
  });
export type StageConfig = z.infer<typeof StageConfig>;

const STAGES_FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'stages');

export const STAGE_NAMES = ['dev', 'staging', 'prod'] as const;

/** Reads and checks infra/stages/<name>.json; throws with every problem, by path. */
export function loadStage(name: string): StageConfig {
  if (!(STAGE_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown stage "${name}": pass -c stage=${STAGE_NAMES.join('|')}`);
  const text = readFileSync(join(STAGES_FOLDER, `${name}.json`), 'utf8');
  const result = StageConfig.safeParse(JSON.parse(text));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`infra/stages/${name}.json is not a valid stage:\n${problems.join('\n')}`);
  }
  if (result.data.name !== name)
    throw new Error(`infra/stages/${name}.json says its name is ${result.data.name}`);
  return result.data;
}
