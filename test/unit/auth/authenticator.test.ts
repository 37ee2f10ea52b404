import { describe, expect, test } from 'vitest';
import type { ApiKeyReader, ApiKeyRecord } from '../../../shared/auth/api-keys.ts';
import { hashKey } from '../../../shared/auth/api-keys.ts';
import { ApiKeyAuthenticator } from '../../../shared/auth/authenticator.ts';
import { Throttled } from '../../../shared/errors.ts';
import { manualClock } from '../../support/manual-clock.ts';

/** An in-memory key store that counts its lookups. */
class CountingKeys implements ApiKeyReader {
  lookups = 0;
  readonly #records = new Map<string, ApiKeyRecord>();
  add(key: string, record: Partial<ApiKeyRecord> = {}) {
    this.#records.set(hashKey(key), {
      keyId: `key_${this.#records.size}`,
      name: 'test',
      tenant: 'acme',
      connections: '*',
      scopes: ['invoices:read'],
      createdAt: '2026-01-01T00:00:00Z',
      revokedAt: null,
      ...record,
    });
  }
  async find(key: string) {
    this.lookups++;
    return this.#records.get(hashKey(key)) ?? null;
  }
  async findById() {
    return null;
  }
}

const REAL = 'ir_the_real_key_of_this_tenant_0001';
const bearer = (key: string) => `Bearer ${key}`;

describe('API key authentication', () => {
  test('a flood of made-up keys neither evicts a real key nor reaches the store once its source is throttled', async () => {
    const keys = new CountingKeys();
    keys.add(REAL);
    const clock = manualClock();
    const auth = new ApiKeyAuthenticator(keys, clock, {
      maxCachedKeys: 100,
      refusalBurst: 20,
      refusalsPerSecond: 1,
    });
    expect(await auth.authenticate(bearer(REAL), '192.0.2.1')).toMatchObject({ tenant: 'acme' });
    const outcomes: string[] = [];
    for (let index = 0; index < 10_000; index++) {
      try {
        outcomes.push(
          (await auth.authenticate(bearer(`ir_made_up_key_number_${index}`), '198.51.100.7')) === null
            ? '401'
            : '200',
        );
      } catch (error: unknown) {
        if (!(error instanceof Throttled)) throw error;
        outcomes.push('429');
      }
    }
    expect(outcomes.filter((outcome) => outcome === '401')).toHaveLength(20);
    expect(outcomes.filter((outcome) => outcome === '429')).toHaveLength(9980);
    // The store saw the real key once and the made-up ones only until the source was throttled.
    expect(keys.lookups).toBe(21);
    // The real key is still cached: no lookup, and it answers even from the throttled address.
    expect(await auth.authenticate(bearer(REAL), '198.51.100.7')).toMatchObject({ tenant: 'acme' });
    expect(keys.lookups).toBe(21);
  });

  test('refused requests are limited per source: another address is not slowed down, and tokens come back', async () => {
    const keys = new CountingKeys();
    const clock = manualClock();
    const auth = new ApiKeyAuthenticator(keys, clock, { refusalBurst: 3, refusalsPerSecond: 1 });
    for (let index = 0; index < 3; index++)
      expect(await auth.authenticate(undefined, '203.0.113.1')).toBeNull();
    await expect(auth.authenticate(undefined, '203.0.113.1')).rejects.toBeInstanceOf(Throttled);
    expect(await auth.authenticate(undefined, '203.0.113.2')).toBeNull();
    clock.advance(1000);
    expect(await auth.authenticate(undefined, '203.0.113.1')).toBeNull();
  });

  test('an unknown key is remembered briefly, a known one for the cache time; a revoked one stops at its expiry', async () => {
    const keys = new CountingKeys();
    const clock = manualClock();
    const auth = new ApiKeyAuthenticator(keys, clock, { cacheSeconds: 30, unknownCacheSeconds: 5 });
    const late = 'ir_a_key_created_a_moment_later_01';
    expect(await auth.authenticate(bearer(late), '192.0.2.9')).toBeNull();
    keys.add(late);
    expect(await auth.authenticate(bearer(late), '192.0.2.9')).toBeNull(); // still remembered as unknown
    clock.advance(5001);
    expect(await auth.authenticate(bearer(late), '192.0.2.9')).not.toBeNull();
    const lookups = keys.lookups;
    clock.advance(29_000);
    expect(await auth.authenticate(bearer(late), '192.0.2.9')).not.toBeNull();
    expect(keys.lookups).toBe(lookups);
  });
});
