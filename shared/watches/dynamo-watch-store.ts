import type { Table } from '../storage/dynamo.ts';
import { keys } from '../storage/keys.ts';
import { parseWatchKey, type Watch, type WatchOutcome, type WatchStore } from './watch-store.ts';

/**
 * Watches in the product's table: one item per (connection, watch, tenant) in the connection's
 * watch partition, sorted so that every tenant's watch of one invoice sits together, and one
 * counter per (tenant, connection) for the quota.
 *
 * The counter is taken before the watch is written and given back when the watch existed or is
 * removed: a crash in between can only leave the counter one too high (the tenant loses a slot
 * until support resets it), never let a tenant past its quota.
 */
export class DynamoWatchStore implements WatchStore {
  readonly #table: Table;

  constructor(table: Table) {
    this.#table = table;
  }

  async add(
    tenant: string,
    connection: string,
    watch: Watch,
    quota: number,
    now: number,
  ): Promise<WatchOutcome> {
    const quotaKey = keys.watchQuota(tenant, connection);
    const taken = await this.#table.update(quotaKey, {
      UpdateExpression: 'ADD watches :one',
      ConditionExpression: 'attribute_not_exists(watches) OR watches < :quota',
      ExpressionAttributeValues: { ':one': 1, ':quota': quota },
    });
    if (!taken) {
      // At the quota: a watch the tenant already holds is still fine.
      const existing = await this.#table.get(keys.watch(connection, watch.key, tenant));
      return existing === undefined ? 'over-quota' : 'already-watched';
    }
    const added = await this.#table.putIf(
      { ...keys.watch(connection, watch.key, tenant), tenant, since: new Date(now).toISOString() },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
    if (added) return 'added';
    await this.#giveBack(quotaKey);
    return 'already-watched';
  }

  async remove(tenant: string, connection: string, watch: Watch): Promise<boolean> {
    const removed = await this.#table.delete(keys.watch(connection, watch.key, tenant), {
      ConditionExpression: 'attribute_exists(pk)',
    });
    if (removed === null) return false;
    await this.#giveBack(keys.watchQuota(tenant, connection));
    return true;
  }

  async count(tenant: string, connection: string): Promise<number> {
    const item = await this.#table.get(keys.watchQuota(tenant, connection));
    return typeof item?.watches === 'number' ? item.watches : 0;
  }

  async #giveBack(quotaKey: ReturnType<typeof keys.watchQuota>): Promise<void> {
    await this.#table.update(quotaKey, {
      UpdateExpression: 'ADD watches :minus',
      ConditionExpression: 'watches > :zero',
      ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
    });
  }

  async page(
    connection: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ watches: Watch[]; next: string | null }> {
    const watches: Watch[] = [];
    // The cursor is the last item read; the watch it belongs to was already handed out.
    let last = cursor === null ? null : watchOfItem(cursor);
    let start: Record<string, unknown> | undefined =
      cursor === null ? undefined : { pk: keys.watches(connection), sk: cursor };
    let lastSortKey = cursor;
    for (;;) {
      const page = await this.#table.queryPage({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.watches(connection) },
        ProjectionExpression: 'sk',
        ExclusiveStartKey: start,
        Limit: limit * 2,
      });
      for (const item of page.items) {
        const sortKey = String(item.sk);
        const watch = watchOfItem(sortKey);
        if (watch === null || watch.key === last?.key) {
          lastSortKey = sortKey;
          continue;
        }
        if (watches.length === limit) return { watches, next: lastSortKey };
        watches.push(watch);
        last = watch;
        lastSortKey = sortKey;
      }
      if (page.last === undefined) return { watches, next: null };
      start = page.last;
    }
  }
}

/** The watch of an item's sort key `<kind>#<id>#<tenant>`. */
function watchOfItem(sortKey: string): Watch | null {
  return parseWatchKey(sortKey.slice(0, sortKey.lastIndexOf('#')));
}
