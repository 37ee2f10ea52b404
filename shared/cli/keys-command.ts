import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { ApiKeyAdmin } from '../auth/api-keys.ts';
import { DynamoApiKeyAdmin } from '../auth/dynamo-api-keys.ts';
import { ALL_SCOPES, Scope } from '../auth/principal.ts';
import { systemClock } from '../clock.ts';
import { ConnectionId } from '../connections/connection-id.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { toProblem } from '../problem.ts';
import { commandTable, TABLE_OPTIONS } from './command-table.ts';
import type { CommandResult } from './normalize-command.ts';

/**
 * `invoice-relay keys create|list|revoke`: manages API keys in the product's table. `--local`
 * (the default) uses the running local runtime's DynamoDB; `--table <name>` a deployed stage's
 * table with the usual AWS credentials (and `--endpoint` for any other DynamoDB).
 */

export const KEYS_USAGE = `usage: invoice-relay keys create --tenant <id> [--name <text>] [--connections <id,id|*>] [--scopes <scope,scope>]
       invoice-relay keys list
       invoice-relay keys revoke <keyId>
target: --local (default; the running \`npm start\` of --data-dir, else DATA_DIR, else .local/data) | --table <name> [--endpoint <url>] [--region <region>]
scopes: ${ALL_SCOPES.join(', ')} (default: all)`;

const Tenant = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');

const commaList = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');

function parameter<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  if (value === undefined) throw new InvalidInput(name, 'is required');
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInput(name, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}

function openStore(values: Record<string, string | boolean | undefined>): ApiKeyAdmin {
  return new DynamoApiKeyAdmin(commandTable(values).table, systemClock);
}

export async function runKeys(argv: readonly string[]): Promise<CommandResult> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        tenant: { type: 'string' },
        name: { type: 'string' },
        connections: { type: 'string' },
        scopes: { type: 'string' },
        ...TABLE_OPTIONS,
      },
    });
    const [action, ...rest] = positionals;
    if (action === 'create') {
      const tenant = parameter(Tenant, values.tenant, '--tenant');
      const connections = commaList(values.connections);
      const fields = {
        tenant,
        name: values.name ?? `${tenant} key`,
        connections:
          connections === undefined || connections.includes('*')
            ? ('*' as const)
            : parameter(z.array(ConnectionId).min(1), connections, '--connections'),
        scopes: parameter(z.array(Scope).min(1), commaList(values.scopes) ?? [...ALL_SCOPES], '--scopes'),
      };
      const { key, record } = await openStore(values).create(fields);
      return {
        exitCode: 0,
        stdout: `${JSON.stringify({ key, ...record }, null, 2)}\n`,
        stderr: 'Store the key now: only its hash is kept, it cannot be shown again.\n',
      };
    }
    if (action === 'list') {
      const records = await openStore(values).list();
      return { exitCode: 0, stdout: `${JSON.stringify(records, null, 2)}\n`, stderr: '' };
    }
    if (action === 'revoke') {
      const keyId = parameter(
        z.string().regex(/^key_[0-9a-f]{12}$/, 'must be a key id like key_0123456789ab'),
        rest[0],
        'keyId',
      );
      if (!(await openStore(values).revoke(keyId))) throw new NotFound('key', keyId);
      return { exitCode: 0, stdout: `${JSON.stringify({ keyId, revoked: true })}\n`, stderr: '' };
    }
    throw new InvalidInput('action', 'must be create, list or revoke');
  } catch (error: unknown) {
    const problem =
      error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
        ? toProblem(new InvalidInput('arguments', error.message))
        : toProblem(error);
    const hint = problem.status === 400 ? `\n${KEYS_USAGE}\n` : '';
    return {
      exitCode: problem.status === 400 || problem.status === 404 ? 2 : 1,
      stdout: '',
      stderr: `${JSON.stringify(problem, null, 2)}\n${hint}`,
    };
  }
}
