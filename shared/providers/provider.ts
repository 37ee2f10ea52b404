import type { z } from 'zod';
import type { HttpClient } from '../http/http-client.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { StatusTable } from '../invoice/status-mapping.ts';
import type { PageFormat, RecordFormat } from '../wire/decode.ts';

/** What an adapter can do; each provider offers the subset its API documents. */
export const OPERATIONS = ['list', 'get', 'order-invoices', 'document'] as const;
export type Operation = (typeof OPERATIONS)[number];
/** Operations whose response body is invoices (the CLI normalizes these). */
export type BodyOperation = Exclude<Operation, 'document'>;

/** Records in one provider response, at most: far above any sane page, far below what hurts. */
export const DEFAULT_MAX_RECORDS = 10_000;
/** The same for providers that answer their whole list at once (`wholeListPerRequest`). */
export const DEFAULT_MAX_RECORDS_WHOLE_LIST = 100_000;

/** Everything normalization needs to know about where an invoice came from. */
export interface NormalizationContext {
  provider: string;
  /** Connection id; null outside a configured connection (the CLI). */
  connection: string | null;
  /** IANA zone for the provider's zone-less timestamps. */
  timeZone: string;
  /** ISO 4217 code for providers whose bodies carry no currency. */
  currency: string | null;
  /** Per-connection overrides of the provider's status table. */
  statusMap: StatusTable;
  /** Attach the provider's record as `raw`. */
  includeRaw: boolean;
  /**
   * A response holding more records than this is malformed as a whole (counted before any is
   * normalized). @default `defaultMaxRecords(adapter)`: 10,000, or 100,000 for whole-list providers
   */
  maxRecords?: number;
}

/** A provider record that could not be read: skipped, counted, reported without its values. */
export interface QuarantinedRecord {
  /** Where it was in the body, e.g. "items[3]" (same path style as MalformedResponse details). */
  position: string;
  /** The provider's id of the record when it is readable and matches the adapter's idPatterns.invoice, else null. */
  remoteId: string | null;
  /** What was wrong (field path and reason), never a value from the body (bodies carry personal data). */
  reason: string;
}

/** The invoices of a response, and the records of it that could not be read. */
export interface ProviderRecords {
  invoices: Invoice[];
  quarantined: QuarantinedRecord[];
}

export interface ProviderPage extends ProviderRecords {
  /** A cursor for the next page, or null on the last page. */
  next: string | null;
}

/** One configured account at a provider, ready to be called. */
export interface ProviderConnection {
  baseUrl: URL;
  /** The secret the provider's auth scheme needs (API key or bearer token). */
  credentials: { token: string };
  /** Provider-specific settings, checked by the adapter's `optionsSchema`. */
  options: Record<string, unknown>;
  http: HttpClient;
  context: NormalizationContext;
}

export interface ListRequest {
  /** A cursor this adapter returned as `next`, or null for the first page. */
  cursor: string | null;
  /** Page size wanted; null lets the provider choose. */
  limit: number | null;
}

/** Where a document is: somewhere the caller may go themselves, or bytes we fetched for them. */
export type DocumentLocation =
  | { kind: 'redirect'; url: string }
  | { kind: 'content'; contentType: string; body: Buffer };

/** The wire formats of a provider's response bodies, by operation (bench and tests read them). */
export type WireFormats = Partial<
  Record<BodyOperation, PageFormat<unknown, unknown> | RecordFormat<unknown>>
>;

/** What an adapter module states; `defineAdapter` derives the rest. */
export interface AdapterDefinition {
  readonly id: string;
  readonly defaults: { timeZone: string; currency: string | null };
  /** The provider's status vocabulary; documented row by row in the adapter. */
  readonly statusTable: StatusTable;
  /** Settings a connection of this provider carries besides URL and credentials. */
  readonly optionsSchema: z.ZodType<Record<string, unknown>>;
  /**
   * True when every list request fetches the provider's whole list (no upstream paging), so a
   * full walk should ask for everything at once rather than page over repeated downloads.
   */
  readonly wholeListPerRequest?: boolean;
  /** Shapes of the provider's ids, so that a malformed id is refused before any call. */
  readonly idPatterns: { invoice: RegExp; order?: RegExp };
  readonly wire: WireFormats;

  /**
   * Normalizes a response body of an operation, without HTTP (used by the CLI and benchmarks).
   * A `get` body with an unreadable record throws `MalformedResponse`; a list's bad records are
   * quarantined.
   */
  normalizeBody(
    operation: BodyOperation,
    body: string,
    contentType: string | null,
    context: NormalizationContext,
  ): ProviderPage;

  list?(connection: ProviderConnection, request: ListRequest): Promise<ProviderPage>;
  /** One invoice; an unreadable record is a `MalformedResponse` (a 502), never quarantined. */
  get?(connection: ProviderConnection, remoteId: string): Promise<Invoice>;
  orderInvoices?(connection: ProviderConnection, orderId: string): Promise<ProviderRecords>;
  document?(connection: ProviderConnection, remoteId: string): Promise<DocumentLocation>;
}

export interface ProviderAdapter extends AdapterDefinition {
  /** The operations this adapter has a method for, in `OPERATIONS` order. */
  readonly operations: readonly Operation[];
}

const METHODS = {
  list: 'list',
  get: 'get',
  'order-invoices': 'orderInvoices',
  document: 'document',
} as const satisfies Record<Operation, keyof AdapterDefinition>;

/** An adapter whose `operations` are the methods it has, so that the two can never disagree. */
export function defineAdapter(definition: AdapterDefinition): ProviderAdapter {
  const operations = OPERATIONS.filter((operation) => definition[METHODS[operation]] !== undefined);
  return { ...definition, operations };
}

/** The record limit of a response when the connection sets none. */
export function defaultMaxRecords(adapter: Pick<AdapterDefinition, 'wholeListPerRequest'>): number {
  return adapter.wholeListPerRequest === true ? DEFAULT_MAX_RECORDS_WHOLE_LIST : DEFAULT_MAX_RECORDS;
}
