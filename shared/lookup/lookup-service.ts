import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { OperationNotSupported } from '../errors.ts';
import type { Invoice, InvoicePage, InvoiceStatus } from '../invoice/invoice.ts';
import type { DocumentLocation, Operation, ProviderAdapter } from '../providers/provider.ts';
import { adapterFor, checkOrderId, resolveRemoteId } from './access.ts';
import type { CursorSigner } from './cursor.ts';

/**
 * Invoices read through from the providers, for one caller. Access is checked first: a connection
 * the key may not use is indistinguishable from one that does not exist.
 */

/** Told about invoices and orders the API returned, for providers that cannot be listed. */
export interface WatchRecorder {
  watchInvoices(connection: string, remoteIds: readonly string[]): Promise<void>;
  watchOrder(connection: string, orderId: string): Promise<void>;
}

export interface ConnectionSummary {
  id: string;
  provider: string;
  operations: Operation[];
}

export class LookupService {
  readonly #connections: ConnectionRegistry;
  readonly #cursors: CursorSigner;
  readonly #watches: WatchRecorder | null;

  constructor(dependencies: {
    connections: ConnectionRegistry;
    cursors: CursorSigner;
    watches?: WatchRecorder;
  }) {
    this.#connections = dependencies.connections;
    this.#cursors = dependencies.cursors;
    this.#watches = dependencies.watches ?? null;
  }

  listConnections(principal: Principal): ConnectionSummary[] {
    return this.#connections
      .all()
      .filter((config) => mayUseConnection(principal, config.id))
      .map((config) => ({
        id: config.id,
        provider: config.provider,
        operations: [...this.#connections.adapter(config.id).operations],
      }));
  }

  async listInvoices(
    principal: Principal,
    connectionId: string,
    request: { limit: number; cursor?: string | undefined; status?: InvoiceStatus | undefined },
  ): Promise<InvoicePage> {
    const adapter = this.#adapterFor(principal, connectionId, 'list');
    const cursor =
      request.cursor === undefined ? null : await this.#cursors.open(request.cursor, connectionId);
    const connection = await this.#connections.open(connectionId);
    const page = await adapter.list?.(connection, { cursor, limit: request.limit });
    if (page === undefined) throw new OperationNotSupported(adapter.id, 'list', adapter.operations);
    // Providers cannot filter by canonical status, so each page is filtered here: a page may hold
    // fewer than `limit` invoices (even none) while `next` is set.
    const invoices =
      request.status === undefined
        ? page.invoices
        : page.invoices.filter((invoice) => invoice.status === request.status);
    return { invoices, next: page.next === null ? null : await this.#cursors.seal(connectionId, page.next) };
  }

  async getInvoice(
    principal: Principal,
    connectionId: string,
    invoiceId: string,
    includeRaw: boolean,
  ): Promise<Invoice> {
    const adapter = this.#adapterFor(principal, connectionId, 'get');
    const remoteId = resolveRemoteId(adapter, connectionId, invoiceId);
    const connection = await this.#connections.open(connectionId, { includeRaw });
    const invoice = await adapter.get?.(connection, remoteId);
    if (invoice === undefined) throw new OperationNotSupported(adapter.id, 'get', adapter.operations);
    await this.#watch(adapter, (watches) => watches.watchInvoices(connectionId, [invoice.remoteId]));
    return invoice;
  }

  async orderInvoices(principal: Principal, connectionId: string, orderId: string): Promise<Invoice[]> {
    const adapter = this.#adapterFor(principal, connectionId, 'order-invoices');
    checkOrderId(adapter, orderId);
    const connection = await this.#connections.open(connectionId);
    const found = await adapter.orderInvoices?.(connection, orderId);
    if (found === undefined)
      throw new OperationNotSupported(adapter.id, 'order-invoices', adapter.operations);
    await this.#watch(adapter, (watches) => watches.watchOrder(connectionId, orderId));
    return found.invoices;
  }

  async document(principal: Principal, connectionId: string, invoiceId: string): Promise<DocumentLocation> {
    const adapter = this.#adapterFor(principal, connectionId, 'document');
    const remoteId = resolveRemoteId(adapter, connectionId, invoiceId);
    const location = await adapter.document?.(await this.#connections.open(connectionId), remoteId);
    if (location === undefined) throw new OperationNotSupported(adapter.id, 'document', adapter.operations);
    return location;
  }

  /** The connection's adapter, once the caller may use it and it offers `operation`. */
  #adapterFor(principal: Principal, connectionId: string, operation: Operation): ProviderAdapter {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (!adapter.operations.includes(operation)) {
      throw new OperationNotSupported(adapter.id, operation, adapter.operations);
    }
    return adapter;
  }

  /** Providers without a list endpoint are snapshotted through what the API has seen. */
  async #watch(adapter: ProviderAdapter, record: (watches: WatchRecorder) => Promise<void>) {
    if (this.#watches !== null && !adapter.operations.includes('list')) await record(this.#watches);
  }
}
