import {
  parseWatchKey,
  type Watch,
  type WatchOutcome,
  type WatchStore,
} from '../../../shared/watches/watch-store.ts';
import { byKey } from './key-order.ts';

/**
 * Watches in memory, with the semantics of the DynamoDB store (dynamo-watch-store.ts): one entry
 * per (connection, watch, tenant), sorted `<kind>#<id>#<tenant>` so that every tenant's watch of
 * one invoice sits together, and a counter per (tenant, connection) that is taken before the
 * watch is added and given back when it existed or is removed.
 */
export class MemoryWatchStore implements WatchStore {
  /** connection → sort key (`<watch key>#<tenant>`) → when it was added. */
  readonly #watches = new Map<string, Map<string, string>>();
  readonly #counters = new Map<string, number>();

  #partition(connection: string): Map<string, string> {
    let partition = this.#watches.get(connection);
    if (partition === undefined) {
      partition = new Map();
      this.#watches.set(connection, partition);
    }
    return partition;
  }

  async add(
    tenant: string,
    connection: string,
    watch: Watch,
    quota: number,
    now: number,
  ): Promise<WatchOutcome> {
    const counter = `${tenant}|${connection}`;
    const sortKey = `${watch.key}#${tenant}`;
    const partition = this.#partition(connection);
    const taken = this.#counters.get(counter) ?? 0;
    if (taken >= quota) return partition.has(sortKey) ? 'already-watched' : 'over-quota';
    this.#counters.set(counter, taken + 1);
    if (partition.has(sortKey)) {
      this.#giveBack(counter);
      return 'already-watched';
    }
    partition.set(sortKey, new Date(now).toISOString());
    return 'added';
  }

  async remove(tenant: string, connection: string, watch: Watch): Promise<boolean> {
    if (!this.#partition(connection).delete(`${watch.key}#${tenant}`)) return false;
    this.#giveBack(`${tenant}|${connection}`);
    return true;
  }

  async count(tenant: string, connection: string): Promise<number> {
    return this.#counters.get(`${tenant}|${connection}`) ?? 0;
  }

  #giveBack(counter: string): void {
    const taken = this.#counters.get(counter) ?? 0;
    if (taken > 0) this.#counters.set(counter, taken - 1);
  }

  async page(
    connection: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ watches: Watch[]; next: string | null }> {
    const sortKeys = [...this.#partition(connection).keys()]
      .sort(byKey)
      .filter((sortKey) => cursor === null || byKey(sortKey, cursor) > 0);
    const watches: Watch[] = [];
    // The cursor is the last entry read; the watch it belongs to was already handed out.
    let last = cursor === null ? null : watchOf(cursor);
    let lastSortKey = cursor;
    for (const sortKey of sortKeys) {
      const watch = watchOf(sortKey);
      if (watch === null || watch.key === last?.key) {
        lastSortKey = sortKey;
        continue;
      }
      if (watches.length === limit) return { watches, next: lastSortKey };
      watches.push(watch);
      last = watch;
      lastSortKey = sortKey;
    }
    return { watches, next: null };
  }

  /** The tenants holding a watch, for tests of isolation. */
  holders(connection: string, watch: Watch): string[] {
    const prefix = `${watch.key}#`;
    return [...this.#partition(connection).keys()]
      .filter((sortKey) => sortKey.startsWith(prefix))
      .map((sortKey) => sortKey.slice(prefix.length))
      .sort(byKey);
  }
}

function watchOf(sortKey: string): Watch | null {
  return parseWatchKey(sortKey.slice(0, sortKey.lastIndexOf('#')));
}
