import type { ApiKeyRecord } from '../../shared/auth/api-keys.ts';
import { DynamoApiKeyAdmin } from '../../shared/auth/dynamo-api-keys.ts';
import { systemClock } from '../../shared/clock.ts';
import { Table } from '../../shared/storage/dynamo.ts';
import type { LocalApi } from './local-api.ts';

/** The key store of a local runtime, as the `keys` command uses it. */
export function keyAdmin(api: LocalApi): DynamoApiKeyAdmin {
  return new DynamoApiKeyAdmin(new Table(api.runtime.dynamo.client, api.runtime.tableName), systemClock);
}

/** A new key of the local runtime, with a narrower grant than the development key's. */
export async function createKey(
  api: LocalApi,
  fields: Partial<Omit<ApiKeyRecord, 'keyId' | 'createdAt' | 'revokedAt'>> & { tenant: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  return keyAdmin(api).create({
    name: `${fields.tenant} test key`,
    connections: '*',
    scopes: ['invoices:read', 'events:read', 'watches:write', 'webhooks:write'],
    ...fields,
  });
}
