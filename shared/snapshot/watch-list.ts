import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { Item } from '../storage/dynamo.ts';
import { s } from '../storage/dynamo.ts';
import { TABLE } from '../storage/table.ts';

/**
 * What to snapshot for providers that cannot be listed (vn-einvoice, orders-api): invoices and
 * orders the lookup API returned, or registered explicitly. `pk = CONN#<connection>`,
 * `sk = WATCH#invoice#<remoteId>` or `WATCH#order#<orderId>`.
 */

export type WatchKind = 'invoice' | 'order';

export interface Watch {
  kind: WatchKind;
  id: string;
  /** `invoice#<id>` / `order#<id>`: how snapshot items remember which watch brought them. */
  key: string;
}

const PREFIX = 'WATCH#';

export function watchKey(kind: WatchKind, id: string): string {
  return `${kind}#${id}`;
}

export class WatchList {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  #key(connection: string, kind: WatchKind, id: string): Item {
    return {
      [TABLE.partitionKey]: s(`CONN#${connection}`),
      [TABLE.sortKey]: s(`${PREFIX}${watchKey(kind, id)}`),
    };
  }

  async add(connection: string, kind: WatchKind, id: string): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: { ...this.#key(connection, kind, id), since: s(new Date().toISOString()) },
      }),
    );
  }

  async remove(connection: string, kind: WatchKind, id: string): Promise<void> {
    await this.#client.send(
      new DeleteItemCommand({ TableName: this.#table, Key: this.#key(connection, kind, id) }),
    );
  }

  /** One page of watches after `cursor` (a watch key), in key order. */
  async page(
    connection: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ watches: Watch[]; next: string | null }> {
    const response = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: { ':pk': s(`CONN#${connection}`), ':prefix': s(PREFIX) },
        Limit: limit,
        ...(cursor === null
          ? {}
          : {
              ExclusiveStartKey: {
                [TABLE.partitionKey]: s(`CONN#${connection}`),
                [TABLE.sortKey]: s(`${PREFIX}${cursor}`),
              },
            }),
      }),
    );
    const watches = (response.Items ?? []).map((item) => {
      const key = (item.sk?.S ?? '').slice(PREFIX.length);
      const [kind, ...rest] = key.split('#');
      return { kind: kind as WatchKind, id: rest.join('#'), key };
    });
    const last = response.LastEvaluatedKey?.sk?.S;
    return { watches, next: last === undefined ? null : last.slice(PREFIX.length) };
  }
}

/** The lookup API's watch recorder, backed by the watch list. */
export function watchRecorder(watches: WatchList) {
  return {
    watchInvoices: async (connection: string, remoteIds: readonly string[]) => {
      await Promise.all(remoteIds.map((id) => watches.add(connection, 'invoice', id)));
    },
    watchOrder: (connection: string, orderId: string) => watches.add(connection, 'order', orderId),
  };
}
