import type { Clock } from '../clock.ts';
import { Throttled } from '../errors.ts';
import { type ApiKeyReader, type ApiKeyRecord, hashKey, principalOf } from './api-keys.ts';
import { LruCache } from './lru-cache.ts';
import type { Principal } from './principal.ts';
import { RateLimiter } from './rate-limiter.ts';

/**
 * Authenticates `Authorization: Bearer <key>` headers.
 *
 * - Known keys are cached for `cacheSeconds` (a revoked key stops working within that time on
 *   every instance), least recently used first out.
 * - Unknown keys are cached apart, for a few seconds only, so that a flood of made-up keys can
 *   neither evict the real ones nor cost a table read each time they are repeated.
 * - Requests without a valid key are limited per source address (`refusals` per second): once a
 *   source has spent them, its next request with a key that is not cached is answered 429 before
 *   any lookup. Requests with a cached valid key from the same address are never slowed down.
 */

export interface AuthenticatorOptions {
  /** @default 30 */
  cacheSeconds: number;
  /** @default 5 */
  unknownCacheSeconds: number;
  /** @default 10000 */
  maxCachedKeys: number;
  /** Refused requests per second per source, and how many at once. @default 2, 20 */
  refusalsPerSecond: number;
  refusalBurst: number;
}

const DEFAULTS: AuthenticatorOptions = {
  cacheSeconds: 30,
  unknownCacheSeconds: 5,
  maxCachedKeys: 10_000,
  refusalsPerSecond: 2,
  refusalBurst: 20,
};

export class ApiKeyAuthenticator {
  readonly #keys: ApiKeyReader;
  readonly #clock: Clock;
  readonly #options: AuthenticatorOptions;
  readonly #known: LruCache<string, ApiKeyRecord>;
  readonly #unknown: LruCache<string, true>;
  readonly #refusals: RateLimiter;

  constructor(keys: ApiKeyReader, clock: Clock, options: Partial<AuthenticatorOptions> = {}) {
    this.#keys = keys;
    this.#clock = clock;
    this.#options = { ...DEFAULTS, ...options };
    this.#known = new LruCache(this.#options.maxCachedKeys);
    this.#unknown = new LruCache(this.#options.maxCachedKeys);
    this.#refusals = new RateLimiter(this.#options.refusalsPerSecond, this.#options.refusalBurst, clock);
  }

  /**
   * The principal, or null for a missing, malformed, unknown or revoked key. Throws `Throttled`
   * when `source` has been refused too often to be worth a lookup.
   */
  async authenticate(authorization: string | undefined, source: string): Promise<Principal | null> {
    const key = bearer(authorization);
    const now = this.#clock();
    const hash = key === null ? null : hashKey(key);
    const cached = hash === null ? undefined : this.#known.get(hash, now);
    if (cached !== undefined) return cached.revokedAt === null ? principalOf(cached) : this.#refuse(source);
    const verdict = this.#refusals.peek(source);
    if (!verdict.allowed) throw new Throttled(verdict.retryAfterSeconds);
    if (key === null || hash === null || this.#unknown.get(hash, now) !== undefined)
      return this.#refuse(source);
    const record = await this.#keys.find(key);
    if (record === null) {
      this.#unknown.set(hash, true, now + this.#options.unknownCacheSeconds * 1000);
      return this.#refuse(source);
    }
    this.#known.set(hash, record, now + this.#options.cacheSeconds * 1000);
    return record.revokedAt === null ? principalOf(record) : this.#refuse(source);
  }

  #refuse(source: string): null {
    this.#refusals.take(source);
    return null;
  }
}

function bearer(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = /^Bearer ([\x21-\x7e]{16,512})$/.exec(authorization.trim());
  return match?.[1] ?? null;
}
