import type { z } from 'zod';
import type { HttpClient } from '../http/http-client.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { StatusTable } from '../invoice/status-mapping.ts';

/** What an adapter can do; each provider offers the subset its API documents. */
export const OPERATIONS = ['list', 'get', 'order-invoices', 'document'] as const;
export type Operation = (typeof OPERATIONS)[number];
/** Operations whose response body is invoices (the CLI normalizes these). */
export type BodyOperation = Exclude<Operation, 'document'>;

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

/** A provider record that could not be read: skipped, counted, reported without its values. */
export interface QuarantinedRecord {
  /** Where it was in the body, e.g. "items[3]" (same path style as MalformedResponse details). */
  position: string;
  /** The provider's id of the record when it is readable and matches the adapter's idPatterns.invoice, else null. */
  remoteId: string | null;
  /** What was wrong (field path and reason), never a value from the body (bodies carry personal data). */
  reason: string;
}

export interface ProviderPage {
  invoices: Invoice[];
  next: string | null;
  quarantined: QuarantinedRecord[];
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

export interface ProviderAdapter {
  readonly id: string;
  readonly operations: readonly Operation[];
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

  /** Normalizes a response body of an operation, without HTTP (used by the CLI and benchmarks). */
  normalizeBody(
    operation: BodyOperation,
    body: string,
    contentType: string | null,
    context: NormalizationContext,
  ): ProviderPage;

  list?(connection: ProviderConnection, request: ListRequest): Promise<ProviderPage>;
  get?(connection: ProviderConnection, remoteId: string): Promise<Invoice>;
  orderInvoices?(
    connection: ProviderConnection,
    orderId: string,
  ): Promise<{ invoices: Invoice[]; quarantined: QuarantinedRecord[] }>;
  document?(connection: ProviderConnection, remoteId: string): Promise<DocumentLocation>;
}
