/**
 * What snapshots follow for providers that cannot be listed (vn-einvoice, orders-api): invoices
 * and orders that a tenant watches, explicitly or by reading them through the API. A watch
 * belongs to its tenant: removing one tenant's watch leaves another tenant's watch of the same
 * invoice in place, and the snapshot follows an invoice while any tenant watches it. Each tenant
 * has a quota per connection, so that no tenant can make every snapshot round call the provider
 * for thousands of made-up ids.
 */

export type WatchKind = 'invoice' | 'order';

export interface Watch {
  kind: WatchKind;
  id: string;
  /** `invoice#<id>` / `order#<id>`: how snapshot records remember which watch brought them. */
  key: string;
}

export function watchKey(kind: WatchKind, id: string): string {
  return `${kind}#${id}`;
}

/** The watch a key names; null for text that is not a watch key. */
export function parseWatchKey(key: string): Watch | null {
  const separator = key.indexOf('#');
  const kind = key.slice(0, separator);
  if (separator <= 0 || (kind !== 'invoice' && kind !== 'order')) return null;
  return { kind, id: key.slice(separator + 1), key };
}

export type WatchOutcome = 'added' | 'already-watched' | 'over-quota';

export interface WatchStore {
  /** Adds the tenant's watch unless the tenant already holds `quota` watches on the connection. */
  add(tenant: string, connection: string, watch: Watch, quota: number, now: number): Promise<WatchOutcome>;
  /** Removes the tenant's watch; false when the tenant had none. */
  remove(tenant: string, connection: string, watch: Watch): Promise<boolean>;
  /** How many watches the tenant holds on the connection. */
  count(tenant: string, connection: string): Promise<number>;
  /**
   * One page of the distinct watches of a connection (whoever holds them), in key order, after
   * `cursor` (an opaque position this method returned).
   */
  page(
    connection: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ watches: Watch[]; next: string | null }>;
}
