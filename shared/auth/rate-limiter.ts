/**
 * Per-key token buckets: `ratePerSecond` sustained, `burst` at once. Each Lambda instance keeps
 * its own buckets, so the limit is per instance; API Gateway's stage throttling is the hard
 * ceiling above it (and answers with its own body, which HTTP APIs cannot shape).
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(ratePerSecond: number, burst: number) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
  }

  /** Takes a token for `key`; when none is left, says how many seconds until one is. */
  take(
    key: string,
    now: number = Date.now(),
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate)) };
  }
}
