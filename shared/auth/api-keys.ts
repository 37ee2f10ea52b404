import { createHash, randomBytes } from 'node:crypto';
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { TABLE } from '../storage/table.ts';
import { type Principal, Scope } from './principal.ts';

/**
 * API keys, stored hashed: the table holds SHA-256 of the key (keys are 256 random bits, so a
 * plain hash cannot be reversed by guessing), never the key. A key is shown once, when created.
 *
 * Items: `pk = APIKEY#<sha256>`, `sk = APIKEY`; `gsi1pk = APIKEYS`, `gsi1sk = <keyId>` lists them
 * and finds one by its public id for revocation.
 */

const KEY_PREFIX = 'ir_';
const LISTING = 'APIKEYS';

export const ApiKeyRecord = z.object({
  keyId: z.string(),
  name: z.string(),
  tenant: z.string(),
  connections: z.union([z.literal('*'), z.array(z.string())]),
  scopes: z.array(Scope),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): { key: string; keyId: string } {
  return {
    key: KEY_PREFIX + randomBytes(32).toString('base64url'),
    keyId: `key_${randomBytes(6).toString('hex')}`,
  };
}

export interface ApiKeyStore {
  /** The record of a presented key, or null when it is unknown. */
  find(key: string): Promise<ApiKeyRecord | null>;
}

export class DynamoApiKeyStore implements ApiKeyStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async find(key: string): Promise<ApiKeyRecord | null> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: { [TABLE.partitionKey]: { S: `APIKEY#${hashKey(key)}` }, [TABLE.sortKey]: { S: 'APIKEY' } },
      }),
    );
    return Item?.record?.S === undefined ? null : ApiKeyRecord.parse(JSON.parse(Item.record.S));
  }

  /** Stores a new key; `key` may be given (the local runtime's DEV_API_KEY), else one is generated. */
  async create(fields: Omit<ApiKeyRecord, 'keyId' | 'createdAt' | 'revokedAt'>, key?: string) {
    const generated = generateKey();
    const record: ApiKeyRecord = {
      ...fields,
      keyId: generated.keyId,
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    const presented = key ?? generated.key;
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          [TABLE.partitionKey]: { S: `APIKEY#${hashKey(presented)}` },
          [TABLE.sortKey]: { S: 'APIKEY' },
          [TABLE.index.partitionKey]: { S: LISTING },
          [TABLE.index.sortKey]: { S: record.keyId },
          record: { S: JSON.stringify(ApiKeyRecord.parse(record)) },
        },
      }),
    );
    return { key: presented, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const records: ApiKeyRecord[] = [];
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: TABLE.index.name,
          KeyConditionExpression: '#pk = :listing',
          ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey },
          ExpressionAttributeValues: { ':listing': { S: LISTING } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.record?.S !== undefined) records.push(ApiKeyRecord.parse(JSON.parse(item.record.S)));
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return records;
  }

  /** Marks a key revoked; false when no key has that id. */
  async revoke(keyId: string): Promise<boolean> {
    const found = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: TABLE.index.name,
        KeyConditionExpression: '#pk = :listing AND #sk = :keyId',
        ExpressionAttributeNames: { '#pk': TABLE.index.partitionKey, '#sk': TABLE.index.sortKey },
        ExpressionAttributeValues: { ':listing': { S: LISTING }, ':keyId': { S: keyId } },
      }),
    );
    const item = found.Items?.[0];
    if (item?.record?.S === undefined || item.pk === undefined || item.sk === undefined) return false;
    const record = ApiKeyRecord.parse(JSON.parse(item.record.S));
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: { [TABLE.partitionKey]: item.pk, [TABLE.sortKey]: item.sk },
        UpdateExpression: 'SET #record = :record',
        ExpressionAttributeNames: { '#record': 'record' },
        ExpressionAttributeValues: {
          ':record': {
            S: JSON.stringify({ ...record, revokedAt: record.revokedAt ?? new Date().toISOString() }),
          },
        },
      }),
    );
    return true;
  }
}

const MAX_CACHED_KEYS = 10_000;

/**
 * Authenticates `Authorization: Bearer <key>` headers, caching what the store said for a short
 * while: a revoked key stops working within `cacheSeconds` on every instance.
 */
export class ApiKeyAuthenticator {
  readonly #store: ApiKeyStore;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  constructor(store: ApiKeyStore, cacheSeconds = 30) {
    this.#store = store;
    this.#cacheMs = cacheSeconds * 1000;
  }

  /** The principal, or null for a missing, malformed, unknown or revoked key. */
  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    const key = bearer(authorization);
    if (key === null) return null;
    const hash = hashKey(key);
    const now = Date.now();
    let cached = this.#cache.get(hash);
    if (cached === undefined || cached.until < now) {
      cached = { record: await this.#store.find(key), until: now + this.#cacheMs };
      // Bounded: the oldest entry makes room (a flood of made-up keys must not evict every real one).
      this.#cache.delete(hash);
      if (this.#cache.size >= MAX_CACHED_KEYS) this.#cache.delete(this.#cache.keys().next().value ?? '');
      this.#cache.set(hash, cached);
    }
    const { record } = cached;
    if (record === null || record.revokedAt !== null) return null;
    return {
      keyId: record.keyId,
      tenant: record.tenant,
      connections: record.connections,
      scopes: record.scopes,
    };
  }
}

function bearer(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = /^Bearer ([\x21-\x7e]{16,512})$/.exec(authorization.trim());
  return match?.[1] ?? null;
}
