import type { Clock } from '../clock.ts';
import type { Table } from '../storage/dynamo.ts';
import { indexKeys, keys } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import { type ApiKeyAdmin, type ApiKeyReader, ApiKeyRecord, generateKey, hashKey } from './api-keys.ts';

/**
 * API keys in the product's table: the record under the key's hash (one read authenticates a
 * request), listed in gsi1 under `APIKEYS` by key id (the `keys` command's list and revoke, and
 * the relay's check of an endpoint owner's current grant).
 */

function recordOf(item: Record<string, unknown> | undefined): ApiKeyRecord | null {
  return typeof item?.record === 'string' ? ApiKeyRecord.parse(JSON.parse(item.record)) : null;
}

export class DynamoApiKeyReader implements ApiKeyReader {
  protected readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async find(key: string): Promise<ApiKeyRecord | null> {
    return recordOf(await this.table.get(keys.apiKey(hashKey(key)), false));
  }

  async findById(keyId: string): Promise<ApiKeyRecord | null> {
    return recordOf((await this.#listing(keyId))[0]);
  }

  /** Listing entries, all of them or the one of `keyId`. */
  async #listing(keyId?: string): Promise<Array<Record<string, unknown>>> {
    const items = [];
    for await (const item of this.table.query({
      IndexName: TABLE.index.name,
      KeyConditionExpression: keyId === undefined ? '#pk = :listing' : '#pk = :listing AND #sk = :keyId',
      ExpressionAttributeNames: {
        '#pk': TABLE.index.partitionKey,
        ...(keyId === undefined ? {} : { '#sk': TABLE.index.sortKey }),
      },
      ExpressionAttributeValues: {
        ':listing': indexKeys.apiKeys,
        ...(keyId === undefined ? {} : { ':keyId': keyId }),
      },
    })) {
      items.push(item);
    }
    return items;
  }

  protected listing(keyId?: string) {
    return this.#listing(keyId);
  }
}

export class DynamoApiKeyAdmin extends DynamoApiKeyReader implements ApiKeyAdmin {
  readonly #clock: Clock;

  constructor(table: Table, clock: Clock) {
    super(table);
    this.#clock = clock;
  }

  async create(fields: Omit<ApiKeyRecord, 'keyId' | 'createdAt' | 'revokedAt'>, key?: string) {
    const generated = generateKey();
    const record = ApiKeyRecord.parse({
      ...fields,
      keyId: generated.keyId,
      createdAt: new Date(this.#clock()).toISOString(),
      revokedAt: null,
    });
    const presented = key ?? generated.key;
    await this.table.put({
      ...keys.apiKey(hashKey(presented)),
      [TABLE.index.partitionKey]: indexKeys.apiKeys,
      [TABLE.index.sortKey]: record.keyId,
      record: JSON.stringify(record),
    });
    return { key: presented, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.listing()).map(recordOf).filter((record) => record !== null);
  }

  async revoke(keyId: string): Promise<boolean> {
    const item = (await this.listing(keyId))[0];
    const record = recordOf(item);
    if (item === undefined || record === null) return false;
    await this.table.update(
      { pk: String(item.pk), sk: String(item.sk) },
      {
        UpdateExpression: 'SET #record = :record',
        ExpressionAttributeNames: { '#record': 'record' },
        ExpressionAttributeValues: {
          ':record': JSON.stringify({
            ...record,
            revokedAt: record.revokedAt ?? new Date(this.#clock()).toISOString(),
          }),
        },
      },
    );
    return true;
  }
}
