import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.ts';
import { InvalidInput } from '../errors.ts';
import { toProblem } from '../problem.ts';
import { migrateFrom01 } from '../storage/migrate-from-0.1.ts';
import { dataKeysFor, SecretSealer } from '../webhooks/secret-sealing.ts';
import { commandTable, TABLE_OPTIONS } from './command-table.ts';
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
      options: { ...TABLE_OPTIONS, 'secrets-key': { type: 'string' } },
    });
    const { table, dataDir } = commandTable(values);
    // Secrets are sealed under the stage's KMS key, or locally under the data folder's key.
    const secretsKey = values['secrets-key'];
    if (dataDir === null && secretsKey === undefined)
      throw new InvalidInput('--secrets-key', 'is required with --table: the WebhookSecretsKeyArn output');
    const sealer = new SecretSealer(
      dataKeysFor(
        dataDir === null ? { kms: secretsKey ?? '' } : { file: join(dataDir, 'webhook-secrets.key') },
      ),
    );
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
