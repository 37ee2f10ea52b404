import * as z from 'zod';
import { MalformedResponse, NotFound, UpstreamUnavailable } from '../../../shared/errors.ts';
import { customer, type Invoice } from '../../../shared/invoice/invoice.ts';
import { invoiceId } from '../../../shared/invoice/invoice-id.ts';
import type {
  DocumentLocation,
  ListRequest,
  Operation,
  ProviderAdapter,
  ProviderConnection,
  ProviderPage,
  QuarantinedRecord,
} from '../../../shared/providers/provider.ts';
import { byKey } from './key-order.ts';

/**
 * A provider in memory: invoices served from a map, in remote-id order, a page per `limit`, with
 * switches for what hostile or failing providers do: a page that fails, a `next` that loops back,
 * a walk that never ends, records that cannot be read (with or without a readable id). With
 * `listed: false` it is a provider without a list endpoint (get and order-invoices only), snapshotted
 * through watches. `beforeCall` runs before each call answers, so a test can act mid-walk (abort,
 * move the clock, change an invoice) without waiting.
 */

export type FakeCall =
  | { operation: 'list'; cursor: string | null; limit: number | null }
  | { operation: 'get'; remoteId: string }
  | { operation: 'order-invoices'; orderId: string };

/** Where a connection's calls are told to stop (the registry's `open` signal). */
const signals = new WeakMap<ProviderConnection, AbortSignal>();

export function bindSignal(connection: ProviderConnection, signal: AbortSignal | undefined): void {
  if (signal !== undefined) signals.set(connection, signal);
}

/** A canonical invoice as a provider would answer it (connection and id are set per call). */
export function providerInvoice(remoteId: string, overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: invoiceId('fake', remoteId),
    provider: 'fake',
    connection: 'fake',
    remoteId,
    number: `N-${remoteId}`,
    status: 'OPEN',
    providerStatus: 'open',
    authorityStatus: null,
    currency: 'EUR',
    subtotal: null,
    tax: null,
    total: '100.00',
    createdAt: null,
    issuedAt: null,
    dueAt: null,
    updatedAt: null,
    orderIds: [],
    documentUrl: null,
    customer: customer({ code: 'c1' }),
    lines: [],
    ...overrides,
  };
}

export class FakeProvider implements ProviderAdapter {
  readonly id: string;
  readonly operations: readonly Operation[];
  readonly defaults = { timeZone: 'UTC', currency: 'EUR' };
  /** No wire formats: a fake speaks no provider's bodies. */
  readonly wire = {};
  readonly statusTable = { open: 'OPEN', paid: 'PAID', void: 'VOID' } as const;
  readonly optionsSchema = z.record(z.string(), z.unknown());
  readonly idPatterns = { invoice: /^[A-Za-z0-9-]{1,40}$/, order: /^ord-[A-Za-z0-9-]{1,40}$/ };

  readonly #invoices = new Map<string, Invoice>();
  readonly calls: FakeCall[] = [];
  /** Runs before each call answers (after it is counted). */
  beforeCall: ((call: FakeCall) => void | Promise<void>) | undefined;
  /** Page number (0-based) → the error that page fails with. */
  readonly failingPages = new Map<number, Error>();
  /** Remote ids whose records cannot be read: quarantined with their id, never served. */
  readonly unreadable = new Set<string>();
  /** Page number → how many records without a readable id it also carries. */
  readonly unidentified = new Map<number, number>();
  /** Every page links to another one, past the last invoice (a walk that never ends). */
  endless = false;
  /** The page whose `next` points back to an earlier page (a loop), if any. */
  loop: { onPage: number; backTo: number } | null = null;
  /** Every call fails with this (an outage, a timeout, throttling), if set. */
  failure: Error | null = null;
  /** Every call fails as if the provider were down. */
  down = false;
  /** Pages of this many invoices whatever `limit` asks for (a provider that ignores it). */
  pageSize: number | null = null;

  constructor(options: { id?: string; listed?: boolean } = {}) {
    this.id = options.id ?? 'fake';
    this.operations =
      options.listed === false ? ['get', 'order-invoices', 'document'] : ['list', 'get', 'document'];
  }

  /** Adds or replaces invoices as the provider holds them. */
  put(...invoices: Invoice[]): this {
    for (const invoice of invoices) this.#invoices.set(invoice.remoteId, structuredClone(invoice));
    return this;
  }

  /** Changes fields of an invoice the provider holds. */
  change(remoteId: string, fields: Partial<Invoice>): this {
    const invoice = this.#invoices.get(remoteId);
    if (invoice === undefined) throw new Error(`the fake provider holds no ${remoteId}`);
    this.#invoices.set(remoteId, { ...invoice, ...structuredClone(fields) });
    return this;
  }

  /** Deletes an invoice upstream. */
  remove(remoteId: string): this {
    this.#invoices.delete(remoteId);
    return this;
  }

  normalizeBody(): ProviderPage {
    throw new Error('the fake provider has no wire format');
  }

  async list(connection: ProviderConnection, request: ListRequest): Promise<ProviderPage> {
    await this.#enter(connection, { operation: 'list', cursor: request.cursor, limit: request.limit });
    const ids = [...this.#invoices.keys()].sort(byKey);
    const size = this.pageSize ?? request.limit ?? Math.max(1, ids.length);
    const page = request.cursor === null ? 0 : Number(request.cursor.replace(/^page-/, ''));
    const failure = this.failingPages.get(page);
    if (failure !== undefined) throw failure;
    const slice = ids.slice(page * size, (page + 1) * size);
    const quarantined: QuarantinedRecord[] = [];
    const invoices: Invoice[] = [];
    slice.forEach((remoteId, index) => {
      if (this.unreadable.has(remoteId))
        quarantined.push({ position: `items[${index}]`, remoteId, reason: 'total: is not a decimal' });
      else invoices.push(this.#served(connection, remoteId));
    });
    for (let index = 0; index < (this.unidentified.get(page) ?? 0); index++)
      quarantined.push({
        position: `items[${slice.length + index}]`,
        remoteId: null,
        reason: 'id: is missing',
      });
    let next: string | null = (page + 1) * size < ids.length || this.endless ? `page-${page + 1}` : null;
    if (this.loop !== null && this.loop.onPage === page) next = `page-${this.loop.backTo}`;
    return { invoices, next, quarantined };
  }

  async get(connection: ProviderConnection, remoteId: string): Promise<Invoice> {
    await this.#enter(connection, { operation: 'get', remoteId });
    if (!this.#invoices.has(remoteId)) throw new NotFound('invoice', remoteId);
    if (this.unreadable.has(remoteId)) throw new MalformedResponse(this.id, 'total: is not a decimal');
    return this.#served(connection, remoteId);
  }

  async orderInvoices(
    connection: ProviderConnection,
    orderId: string,
  ): Promise<{ invoices: Invoice[]; quarantined: QuarantinedRecord[] }> {
    await this.#enter(connection, { operation: 'order-invoices', orderId });
    const ids = [...this.#invoices.values()]
      .filter((invoice) => invoice.orderIds.includes(orderId))
      .map((invoice) => invoice.remoteId)
      .sort(byKey);
    if (ids.length === 0) throw new NotFound('order', orderId);
    return {
      invoices: ids.filter((id) => !this.unreadable.has(id)).map((id) => this.#served(connection, id)),
      quarantined: ids
        .filter((id) => this.unreadable.has(id))
        .map((id, index) => ({
          position: `invoices[${index}]`,
          remoteId: id,
          reason: 'total: is not a decimal',
        })),
    };
  }

  async document(_connection: ProviderConnection, remoteId: string): Promise<DocumentLocation> {
    return { kind: 'redirect', url: `https://documents.example/${remoteId}.pdf` };
  }

  async #enter(connection: ProviderConnection, call: FakeCall): Promise<void> {
    this.calls.push(call);
    signals.get(connection)?.throwIfAborted();
    await this.beforeCall?.(call);
    // A call in flight when the signal aborts is abandoned, as the HTTP client abandons it.
    signals.get(connection)?.throwIfAborted();
    if (this.down) throw new UpstreamUnavailable(this.id, 'answered 503');
    if (this.failure !== null) throw this.failure;
  }

  #served(connection: ProviderConnection, remoteId: string): Invoice {
    const held = this.#invoices.get(remoteId) as Invoice;
    const namespace = connection.context.connection ?? this.id;
    return {
      ...structuredClone(held),
      provider: this.id,
      connection: namespace,
      id: invoiceId(namespace, remoteId),
      ...(connection.context.includeRaw ? { raw: { id: remoteId } } : {}),
    };
  }
}
