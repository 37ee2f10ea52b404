import type { Clock } from '../clock.ts';
import { LruCache } from './lru-cache.ts';

/**
 * Token buckets by key (an API key, a source address): `ratePerSecond` sustained, `burst` at once.
 * Each Lambda instance keeps its own buckets, so the limit is per instance; API Gateway's stage
 * throttling is the hard ceiling above it (and answers with its own body, which HTTP APIs cannot
 * shape). At most `maxKeys` buckets are kept (the least recently used go first), so made-up keys
 * or addresses cannot grow an instance's memory.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #buckets: LruCache<string, { tokens: number; at: number }>;

  constructor(ratePerSecond: number, burst: number, clock: Clock, maxKeys = 10_000) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#clock = clock;
    this.#buckets = new LruCache(maxKeys);
  }

  /** Whether `key` has a token left now, without taking it. */
  peek(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    return this.#decide(key, false);
  }

  /** Takes a token for `key`; when none is left, says how many seconds until one is. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    return this.#decide(key, true);
  }

  #decide(key: string, take: boolean): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.#clock();
    const bucket = this.#buckets.get(key, now) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    this.#buckets.set(key, bucket, Number.POSITIVE_INFINITY);
    if (bucket.tokens >= 1) {
      if (take) bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate)) };
  }
}
