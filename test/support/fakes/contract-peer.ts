import { afterAll, beforeAll } from 'vitest';
import { Table } from '../../../shared/storage/dynamo.ts';
import { type DynamoPeer, startDynamoPeer } from '../dynamo-peer.ts';

/**
 * The real side of a contract test: the product's table on a DynamoDB peer (dynalite, or DynamoDB
 * Local under DYNAMODB_PEER=dynamodb-local), started once per test file. Each test names its own
 * partitions (`unique`), so the tests of one file share the table without meeting.
 */

export const peerName = process.env.DYNAMODB_PEER ?? 'dynalite';

export function useDynamoTable(): { table(): Table } {
  let peer: DynamoPeer | undefined;
  let table: Table | undefined;
  beforeAll(async () => {
    peer = await startDynamoPeer();
    table = new Table(peer.client, peer.table);
  }, 90_000);
  afterAll(async () => {
    await peer?.stop();
  });
  return {
    table() {
      if (table === undefined) throw new Error('the DynamoDB peer has not started');
      return table;
    },
  };
}

let counter = 0;

/** A name no other test of this process uses (a connection, a tenant, an endpoint). */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}
