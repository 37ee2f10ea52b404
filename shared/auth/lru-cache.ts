/**
 * A bounded map that forgets the entry used longest ago, with an expiry per entry. A `Map` keeps
 * insertion order, so moving an entry to the end on every use makes the first one the least
 * recently used: twenty lines here instead of a package in every API bundle.
 */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The value, unless it is absent or expired at `now`; a hit counts as a use. */
  get(key: K, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.until < now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, until: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}
