import * as z from 'zod';
import type { InvoiceSource } from '../api/requests.ts';
import type { InvoiceAnswer, InvoicePage } from '../api/responses.ts';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import {
  InvalidInput,
  OperationNotSupported,
  RateLimited,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '../errors.ts';
import type { InvoiceStatus } from '../invoice/codes.ts';
import type { DocumentLocation, Operation, ProviderAdapter } from '../providers/provider.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';
import { adapterFor, checkOrderId, resolveRemoteId } from './access.ts';
import type { CursorSigner } from './cursor.ts';
import type { Answer, SnapshotAnswers, SnapshotFilters } from './snapshot-answers.ts';

/**
 * Invoices for one caller, read through from the providers (`live`), from the snapshot store
 * (`snapshot`), or from the provider with the store standing in while the provider is
 * unavailable (`auto`). Access is checked first: a connection the key may not use is
 * indistinguishable from one that does not exist.
 *
 * A live page never holds more than `limit` invoices, whatever the provider sends: the cursor
 * keeps the provider's page and an offset into it, so the next page continues exactly where this
 * one stopped.
 */

/** Told about invoices and orders the API returned, for providers that cannot be listed. */
export interface WatchRecorder {
  /** Follows it for the tenant, unless the tenant's quota is used up (then nothing happens). */
  watchInvoice(tenant: string, connection: string, remoteId: string): Promise<void>;
  watchOrder(tenant: string, connection: string, orderId: string): Promise<void>;
}

export interface ConnectionSummary {
  id: string;
  provider: string;
  operations: Operation[];
}

/** A live cursor: the provider's page (null: its first) and how far into it the caller got. */
const LiveCursor = z.object({ p: z.string().nullable(), o: z.number().int().nonnegative() });

/** The provider cannot answer now; `auto` answers from the store instead. */
function isUnavailable(error: unknown): boolean {
  return (
    error instanceof UpstreamUnavailable || error instanceof UpstreamTimeout || error instanceof RateLimited
  );
}

export interface ListQuery extends SnapshotFilters {
  limit: number;
  cursor?: string | undefined;
  source: InvoiceSource;
}

export class LookupService {
  readonly #connections: ConnectionRegistry;
  readonly #cursors: CursorSigner;
  readonly #watches: WatchRecorder | null;
  readonly #snapshots: SnapshotAnswers;
  readonly #clock: Clock;

  constructor(dependencies: {
    connections: ConnectionRegistry;
    cursors: CursorSigner;
    snapshots: SnapshotAnswers;
    clock: Clock;
    watches?: WatchRecorder;
  }) {
    this.#connections = dependencies.connections;
    this.#cursors = dependencies.cursors;
    this.#snapshots = dependencies.snapshots;
    this.#clock = dependencies.clock;
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
    query: ListQuery,
  ): Promise<Answer<InvoicePage>> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (query.source !== 'snapshot' && (query.updatedSince !== undefined || query.includeGone)) {
      throw new InvalidInput(
        query.updatedSince !== undefined ? 'updatedSince' : 'includeGone',
        'applies to answers from the snapshot store only: add source=snapshot',
      );
    }
    const fromStore = () =>
      this.#snapshots.page(principal, [connectionId], query, { limit: query.limit, cursor: query.cursor });
    if (query.source === 'snapshot') return fromStore();
    requireOperation(adapter, 'list');
    // An `auto` read goes on in whichever store its pages came from.
    const snapshotCursor =
      query.cursor !== undefined &&
      this.#cursors.claimedScope(query.cursor)?.startsWith('snapshot|') === true;
    if (query.source === 'auto' && snapshotCursor) return fromStore();
    try {
      return await this.#listLive(principal, connectionId, adapter, query);
    } catch (error: unknown) {
      // A live cursor cannot be continued from the store: that read starts again without one.
      if (query.source === 'auto' && query.cursor === undefined && isUnavailable(error)) return fromStore();
      throw error;
    }
  }

  async #listLive(
    principal: Principal,
    connectionId: string,
    adapter: ProviderAdapter,
    query: ListQuery,
  ): Promise<Answer<InvoicePage>> {
    const scope = `live|${connectionId}|${principal.tenant}|${(query.statuses ?? []).join(',')}`;
    const now = this.#clock();
    let position: z.infer<typeof LiveCursor> = { p: null, o: 0 };
    if (query.cursor !== undefined) {
      const parsed = LiveCursor.safeParse(
        parseJsonOrUndefined(await this.#cursors.open(query.cursor, scope, now)),
      );
      if (!parsed.success) throw new InvalidInput('cursor', 'is not a cursor of this connection');
      position = parsed.data;
    }
    const connection = await this.#connections.open(connectionId);
    const page = await adapter.list?.(connection, { cursor: position.p, limit: query.limit });
    if (page === undefined) throw new OperationNotSupported(adapter.id, 'list', adapter.operations);
    const wanted = (status: InvoiceStatus) => query.statuses === undefined || query.statuses.includes(status);
    // Providers cannot filter by canonical status, so each page is filtered here: a page may hold
    // fewer than `limit` invoices (even none) while `next` is set.
    const invoices: InvoiceAnswer[] = [];
    let index = position.o;
    while (index < page.invoices.length && invoices.length < query.limit) {
      const invoice = page.invoices[index++];
      if (invoice !== undefined && wanted(invoice.status)) invoices.push(invoice);
    }
    const rest =
      index < page.invoices.length
        ? { p: position.p, o: index }
        : page.next === null
          ? null
          : { p: page.next, o: 0 };
    return {
      body: {
        invoices,
        next: rest === null ? null : await this.#cursors.seal(scope, JSON.stringify(rest), now),
        skipped: position.o === 0 ? page.quarantined.length : 0,
      },
      source: 'live',
    };
  }

  async getInvoice(
    principal: Principal,
    connectionId: string,
    invoiceId: string,
    options: { includeRaw: boolean; source: InvoiceSource },
  ): Promise<Answer<InvoiceAnswer>> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (options.source === 'snapshot') {
      if (options.includeRaw)
        throw new InvalidInput('include', 'raw comes from the provider only: use source=live');
      return this.#snapshots.one(connectionId, resolveRemoteId(adapter, connectionId, invoiceId));
    }
    requireOperation(adapter, 'get');
    const remoteId = resolveRemoteId(adapter, connectionId, invoiceId);
    try {
      const connection = await this.#connections.open(connectionId, { includeRaw: options.includeRaw });
      const invoice = await adapter.get?.(connection, remoteId);
      if (invoice === undefined) throw new OperationNotSupported(adapter.id, 'get', adapter.operations);
      await this.#watch(adapter, (watches) =>
        watches.watchInvoice(principal.tenant, connectionId, invoice.remoteId),
      );
      return { body: invoice, source: 'live' };
    } catch (error: unknown) {
      if (options.source === 'auto' && isUnavailable(error))
        return this.#snapshots.one(connectionId, remoteId);
      throw error;
    }
  }

  async orderInvoices(
    principal: Principal,
    connectionId: string,
    orderId: string,
    source: InvoiceSource,
  ): Promise<Answer<{ invoices: InvoiceAnswer[]; skipped: number }>> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (source === 'snapshot') {
      checkOrderId(adapter, orderId);
      return this.#snapshots.order(connectionId, orderId);
    }
    requireOperation(adapter, 'order-invoices');
    checkOrderId(adapter, orderId);
    try {
      const connection = await this.#connections.open(connectionId);
      const order = await adapter.orderInvoices?.(connection, orderId);
      if (order === undefined)
        throw new OperationNotSupported(adapter.id, 'order-invoices', adapter.operations);
      await this.#watch(adapter, (watches) => watches.watchOrder(principal.tenant, connectionId, orderId));
      return { body: { invoices: order.invoices, skipped: order.quarantined.length }, source: 'live' };
    } catch (error: unknown) {
      if (source === 'auto' && isUnavailable(error)) return this.#snapshots.order(connectionId, orderId);
      throw error;
    }
  }

  async document(principal: Principal, connectionId: string, invoiceId: string): Promise<DocumentLocation> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    requireOperation(adapter, 'document');
    const remoteId = resolveRemoteId(adapter, connectionId, invoiceId);
    const location = await adapter.document?.(await this.#connections.open(connectionId), remoteId);
    if (location === undefined) throw new OperationNotSupported(adapter.id, 'document', adapter.operations);
    return location;
  }

  /** Providers without a list endpoint are snapshotted through what the API has seen. */
  async #watch(adapter: ProviderAdapter, record: (watches: WatchRecorder) => Promise<void>) {
    if (this.#watches !== null && !adapter.operations.includes('list')) await record(this.#watches);
  }
}

function requireOperation(adapter: ProviderAdapter, operation: Operation): void {
  if (!adapter.operations.includes(operation)) {
    throw new OperationNotSupported(adapter.id, operation, adapter.operations);
  }
}
