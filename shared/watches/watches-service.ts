import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { Conflict, InvalidInput, OperationNotSupported } from '../errors.ts';
import { adapterFor, checkOrderId, resolveRemoteId } from '../lookup/access.ts';
import type { WatchRecorder } from '../lookup/lookup-service.ts';
import { type WatchKind, type WatchStore, watchKey } from './watch-store.ts';

/**
 * The watch API (`PUT|DELETE /v1/connections/{connection}/watches/…`) and the lookup API's
 * automatic watches. A watch belongs to the caller's tenant; it is accepted only for an invoice or
 * order the provider confirms exists (one call when it is added), and only while the tenant is
 * under its quota on the connection, so that a key cannot make every snapshot round call the
 * provider for made-up ids.
 */
export class WatchesService implements WatchRecorder {
  readonly #connections: ConnectionRegistry;
  readonly #store: WatchStore;
  readonly #quota: number;
  readonly #clock: Clock;

  constructor(dependencies: {
    connections: ConnectionRegistry;
    store: WatchStore;
    quota: number;
    clock: Clock;
  }) {
    this.#connections = dependencies.connections;
    this.#store = dependencies.store;
    this.#quota = dependencies.quota;
    this.#clock = dependencies.clock;
  }

  async watch(
    principal: Principal,
    connectionId: string,
    kind: WatchKind,
    id: string,
    watched: boolean,
  ): Promise<void> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (adapter.operations.includes('list')) {
      throw new InvalidInput(
        'connection',
        `${adapter.id} is snapshotted by listing it; watches are for providers without a list endpoint`,
      );
    }
    let key = id;
    if (kind === 'invoice') {
      if (adapter.get === undefined) throw new OperationNotSupported(adapter.id, 'get', adapter.operations);
      key = resolveRemoteId(adapter, connectionId, id);
    } else {
      if (adapter.orderInvoices === undefined)
        throw new OperationNotSupported(adapter.id, 'order-invoices', adapter.operations);
      checkOrderId(adapter, id);
    }
    const watch = { kind, id: key, key: watchKey(kind, key) };
    if (!watched) {
      await this.#store.remove(principal.tenant, connectionId, watch);
      return;
    }
    // The provider confirms it exists (its NotFound is the caller's 404), before it costs a slot.
    const connection = await this.#connections.open(connectionId);
    if (kind === 'invoice') await adapter.get?.(connection, key);
    else await adapter.orderInvoices?.(connection, key);
    if (
      (await this.#store.add(principal.tenant, connectionId, watch, this.#quota, this.#clock())) ===
      'over-quota'
    ) {
      throw new Conflict(
        'quota-exceeded',
        `this tenant already watches ${this.#quota} invoices and orders on ${connectionId}; remove some first`,
      );
    }
  }

  /** Automatic watches of what the lookup API returned; over the quota, nothing is added. */
  async watchInvoice(tenant: string, connection: string, remoteId: string): Promise<void> {
    await this.#store.add(
      tenant,
      connection,
      { kind: 'invoice', id: remoteId, key: watchKey('invoice', remoteId) },
      this.#quota,
      this.#clock(),
    );
  }

  async watchOrder(tenant: string, connection: string, orderId: string): Promise<void> {
    await this.#store.add(
      tenant,
      connection,
      { kind: 'order', id: orderId, key: watchKey('order', orderId) },
      this.#quota,
      this.#clock(),
    );
  }
}
