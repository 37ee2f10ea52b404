import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { type Principal, Scope } from './principal.ts';

/**
 * API keys, stored hashed: the table holds SHA-256 of the key (keys are 256 random bits, so a
 * plain hash cannot be reversed by guessing), never the key. A key is shown once, when created.
 * Only the `keys` command writes them (with the operator's credentials); the functions only read.
 */

const KEY_PREFIX = 'ir_';

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

/** What the functions may ask of the key store. */
export interface ApiKeyReader {
  /** The record of a presented key, or null when it is unknown. */
  find(key: string): Promise<ApiKeyRecord | null>;
  /** The record of a key by its public id (to check an endpoint owner's current grant), or null. */
  findById(keyId: string): Promise<ApiKeyRecord | null>;
}

/** What the `keys` command does besides reading. */
export interface ApiKeyAdmin extends ApiKeyReader {
  /** Stores a new key; `key` may be given (the local runtime's DEV_API_KEY), else one is generated. */
  create(
    fields: Omit<ApiKeyRecord, 'keyId' | 'createdAt' | 'revokedAt'>,
    key?: string,
  ): Promise<{ key: string; record: ApiKeyRecord }>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when no key has that id. */
  revoke(keyId: string): Promise<boolean>;
}

export function principalOf(record: ApiKeyRecord): Principal {
  return {
    keyId: record.keyId,
    tenant: record.tenant,
    connections: record.connections,
    scopes: record.scopes,
  };
}
