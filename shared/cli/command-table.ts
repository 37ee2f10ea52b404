import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidInput } from '../errors.ts';
import { Table } from '../storage/dynamo.ts';

/** The options every command that works on the product's table takes. */
export const TABLE_OPTIONS = {
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

type TableOptionValues = { [K in keyof typeof TABLE_OPTIONS]?: string | boolean | undefined };

/**
 * The table a command works on: a deployed stage's with `--table <name>` (the usual AWS
 * credentials, `--endpoint` for any other DynamoDB), or else the running local runtime's, found
 * through the `runtime.json` of `--data-dir`, else DATA_DIR, else .local/data. `dataDir` is that
 * runtime's data folder (null for a deployed table), where its other local keys live.
 */
export function commandTable(values: TableOptionValues): { table: Table; dataDir: string | null } {
  if (typeof values.table === 'string') {
    const client = new DynamoDBClient({
      ...(typeof values.endpoint === 'string' ? { endpoint: values.endpoint } : {}),
      ...(typeof values.region === 'string' ? { region: values.region } : {}),
    });
    return { table: new Table(client, values.table), dataDir: null };
  }
  const dataDir = resolve(
    typeof values['data-dir'] === 'string' ? values['data-dir'] : (process.env.DATA_DIR ?? '.local/data'),
  );
  const runtimeFile = join(dataDir, 'runtime.json');
  if (!existsSync(runtimeFile)) {
    throw new InvalidInput(
      '--local',
      `no local runtime is running with its data in ${dataDir}: start it with \`npm start\`, pass the folder it uses with --data-dir (or DATA_DIR), or pass --table`,
    );
  }
  const runtime = JSON.parse(readFileSync(runtimeFile, 'utf8')) as {
    dynamoEndpoint: string;
    tableName: string;
  };
  // The local DynamoDB takes any region and credentials.
  const client = new DynamoDBClient({
    endpoint: runtime.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { table: new Table(client, runtime.tableName), dataDir };
}
