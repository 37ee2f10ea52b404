import { type ApiKeyAdmin, ApiKeyRecord, generateKey, hashKey } from '../../../shared/auth/api-keys.ts';
import type { Clock } from '../../../shared/clock.ts';

/** API keys in memory, stored by hash like the table holds them, counting lookups. */
export class MemoryApiKeys implements ApiKeyAdmin {
  readonly #byHash = new Map<string, ApiKeyRecord>();
  readonly #clock: Clock;
  lookups = 0;

  constructor(clock: Clock) {
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
    this.#byHash.set(hashKey(presented), record);
    return { key: presented, record: structuredClone(record) };
  }

  async find(key: string): Promise<ApiKeyRecord | null> {
    this.lookups++;
    const record = this.#byHash.get(hashKey(key));
    return record === undefined ? null : structuredClone(record);
  }

  async findById(keyId: string): Promise<ApiKeyRecord | null> {
    this.lookups++;
    const record = [...this.#byHash.values()].find((entry) => entry.keyId === keyId);
    return record === undefined ? null : structuredClone(record);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.#byHash.values()]
      .sort((a, b) => (a.keyId < b.keyId ? -1 : 1))
      .map((record) => structuredClone(record));
  }

  async revoke(keyId: string): Promise<boolean> {
    const record = [...this.#byHash.values()].find((entry) => entry.keyId === keyId);
    if (record === undefined) return false;
    record.revokedAt ??= new Date(this.#clock()).toISOString();
    return true;
  }

  /** Changes what a key is granted (an operator re-issuing its grant), for tests of current grants. */
  regrant(keyId: string, connections: ApiKeyRecord['connections']): void {
    const record = [...this.#byHash.values()].find((entry) => entry.keyId === keyId);
    if (record === undefined) throw new Error(`no key ${keyId}`);
    record.connections = connections;
  }
}
