import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../clock.ts';
import { InvalidInput } from '../errors.ts';
import { toProblem } from '../problem.ts';
import { Table } from '../storage/dynamo.ts';
import { migrateFrom01 } from '../storage/migrate-from-0.1.ts';
import { dataKeysFor, SecretSealer } from '../webhooks/secret-sealing.ts';
import type { CommandResult } from './normalize-command.ts';

/**
 * `invoice-relay migrate`: brings a table written by 0.1 to today's items (see
 * shared/storage/migrate-from-0.1.ts). Safe to run twice, and while the stage serves.
 */

export const MIGRATE_USAGE = `usage: invoice-relay migrate --table <name> --secrets-key <KMS key ARN> [--region <region>] [--endpoint <url>]
       invoice-relay migrate --local [--data-dir <folder>]
the stack's outputs name both: TableName and WebhookSecretsKeyArn`;

export async function runMigrate(argv: readonly string[]): Promise<CommandResult> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        local: { type: 'boolean' },
        'data-dir': { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        'secrets-key': { type: 'string' },
      },
    });
    let table: Table;
    let sealer: SecretSealer;
    if (typeof values.table === 'string') {
      if (typeof values['secrets-key'] !== 'string')
        throw new InvalidInput('--secrets-key', 'is required with --table: the WebhookSecretsKeyArn output');
      const client = new DynamoDBClient({
        ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
        ...(values.region === undefined ? {} : { region: values.region }),
      });
      table = new Table(client, values.table);
      sealer = new SecretSealer(dataKeysFor({ kms: values['secrets-key'] }));
    } else {
      const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.local/data');
      const runtimeFile = join(dataDir, 'runtime.json');
      if (!existsSync(runtimeFile))
        throw new InvalidInput(
          '--local',
          `no local runtime is running with its data in ${dataDir}: start it with \`npm start\` or pass --table`,
        );
      const runtime = JSON.parse(readFileSync(runtimeFile, 'utf8')) as {
        dynamoEndpoint: string;
        tableName: string;
      };
      const client = new DynamoDBClient({
        endpoint: runtime.dynamoEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      table = new Table(client, runtime.tableName);
      sealer = new SecretSealer(dataKeysFor({ file: join(dataDir, 'webhook-secrets.key') }));
    }
    const report = await migrateFrom01(table, sealer, systemClock);
    return { exitCode: 0, stdout: `${JSON.stringify(report, null, 2)}\n`, stderr: '' };
  } catch (error: unknown) {
    const problem =
      error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
        ? toProblem(new InvalidInput('arguments', error.message))
        : toProblem(error);
    return {
      exitCode: problem.status === 400 ? 2 : 1,
      stdout: '',
      stderr: `${JSON.stringify(problem, null, 2)}\n${problem.status === 400 ? `\n${MIGRATE_USAGE}\n` : ''}`,
    };
  }
}
