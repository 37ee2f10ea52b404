import { z } from 'zod';
import { InvalidInput, NotFound, ProviderRejected } from '../../errors.ts';
import type { Invoice } from '../../invoice/invoice.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { decodeBody } from '../../wire/decode.ts';
import { identity, normalizeEach, normalizeOne, utc, withRaw } from '../normalization.ts';
import type { NormalizationContext, ProviderAdapter, ProviderConnection } from '../provider.ts';
import { bodyText, contentType, endpoint, expectSuccess, linkOnOrigin } from '../upstream.ts';
import { type PretendentasInvoice, pretendentasBody } from './wire.ts';

/**
 * pretendentas: a Lithuanian B2B distributor, `GET /v1/invoices` (seed 000).
 *
 * Status table (overridable per connection):
 * | provider        | canonical      |
 * |-----------------|----------------|
 * | PAID            | PAID           |
 * | PARTIALLY_PAID  | PARTIALLY_PAID |
 * | UNPAID          | OPEN           |
 *
 * Assumptions where the seed is silent (each a one-line change here):
 * - Auth: the API key goes in the `api_key` query parameter (the provider's public docs say so).
 * - Format: JSON unless the connection sets `format: "xml"`; asked for with `Accept`.
 * - No paging is documented, so one call returns every invoice; `list` pages over that answer
 *   locally (the cursor is an offset), and `get` / `order-invoices` filter it.
 * - Invoice number = `inv_series` + `inv_nr` with no separator ("PRT00042"); only a reservation
 *   (`res_*`, before the order is confirmed) means no invoice number yet: `number` is null.
 * - `created_at` ("Išrašymo laikas", time of issue) is `createdAt`, and `issuedAt` once an
 *   invoice number exists.
 * - The body has no currency: the connection's (default EUR, Lithuania's currency since 2015).
 * - `link_pdf` needs the API key, so the document is fetched for the caller, never redirected to.
 */

const PROVIDER = 'pretendentas';
const NUMBER_SEPARATOR = '';

export const pretendentasStatuses: StatusTable = {
  PAID: 'PAID',
  PARTIALLY_PAID: 'PARTIALLY_PAID',
  UNPAID: 'OPEN',
};

const Options = z.object({ format: z.enum(['json', 'xml']).default('json') });

function normalize(record: PretendentasInvoice, context: NormalizationContext): Invoice {
  const createdAt = utc(record.created_at, 'created_at', context);
  const hasNumber = record.inv_nr !== null;
  return withRaw(
    {
      ...identity(context, record.id),
      number: hasNumber ? `${record.inv_series ?? ''}${NUMBER_SEPARATOR}${record.inv_nr}` : null,
      status: mapStatus(record.status, pretendentasStatuses, context.statusMap),
      providerStatus: record.status,
      authorityStatus: null,
      currency: context.currency,
      subtotal: null,
      tax: null,
      total: null,
      createdAt,
      issuedAt: hasNumber ? createdAt : null,
      dueAt: null,
      updatedAt: null,
      orderIds: record.order_id === null ? [] : [record.order_id],
      documentUrl: record.link_pdf,
      customer: null,
      lines: [],
    },
    record,
    context,
  );
}

/** The envelope's records, or the provider's refusal as an error (never an empty page). */
function recordsOf(body: string, type: string | null, status: number): PretendentasInvoice[] {
  const envelope = decodeBody(PROVIDER, pretendentasBody, body, type);
  if (!envelope.success) throw new ProviderRejected(PROVIDER, status, envelope.message);
  return envelope.items?.invoice ?? [];
}

/** The envelope's `message` of an error answer, for the operator (never shown to API callers). */
function errorMessage(body: string): string | null {
  try {
    return decodeBody(PROVIDER, pretendentasBody, body).message;
  } catch {
    return null;
  }
}

async function fetchAll(connection: ProviderConnection): Promise<PretendentasInvoice[]> {
  const { format } = Options.parse(connection.options);
  const response = await connection.http.send({
    url: endpoint(connection.baseUrl, '/v1/invoices', { api_key: connection.credentials.token }),
    headers: { accept: format === 'xml' ? 'application/xml' : 'application/json' },
  });
  expectSuccess(PROVIDER, response, { resource: 'invoice', identifier: '*' }, errorMessage);
  return recordsOf(bodyText(response), contentType(response), response.status);
}

async function findRecord(connection: ProviderConnection, remoteId: string): Promise<PretendentasInvoice> {
  const record = (await fetchAll(connection)).find((candidate) => candidate.id === remoteId);
  if (record === undefined) throw new NotFound('invoice', remoteId);
  return record;
}

function offsetOf(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new InvalidInput('cursor', 'not a cursor of this connection');
  return Number(cursor);
}

export const pretendentas: ProviderAdapter = {
  id: PROVIDER,
  operations: ['list', 'get', 'order-invoices', 'document'],
  defaults: { timeZone: 'Europe/Vilnius', currency: 'EUR' },
  statusTable: pretendentasStatuses,
  optionsSchema: Options,
  idPatterns: { invoice: /^[A-Za-z0-9_-]{1,64}$/, order: /^[A-Za-z0-9_-]{1,64}$/ },

  normalizeBody(_operation, body, type, context) {
    const records = recordsOf(body, type, 200);
    return {
      invoices: normalizeEach(PROVIDER, records, 'items.invoice', (r) => normalize(r, context)),
      next: null,
    };
  },

  async list(connection, { cursor, limit }) {
    const records = await fetchAll(connection);
    const offset = offsetOf(cursor);
    const end = limit === null ? records.length : Math.min(records.length, offset + limit);
    const page = records.slice(offset, end);
    return {
      invoices: normalizeEach(PROVIDER, page, 'items.invoice', (r) => normalize(r, connection.context)),
      next: end < records.length ? String(end) : null,
    };
  },

  async get(connection, remoteId) {
    const record = await findRecord(connection, remoteId);
    return normalizeOne(PROVIDER, record, 'items.invoice[]', (r) => normalize(r, connection.context));
  },

  async orderInvoices(connection, orderId) {
    const records = (await fetchAll(connection)).filter((record) => record.order_id === orderId);
    // Every order gets a reservation invoice when it is created, so none means no such order.
    if (records.length === 0) throw new NotFound('order', orderId);
    return normalizeEach(PROVIDER, records, 'items.invoice', (r) => normalize(r, connection.context));
  },

  async document(connection, remoteId) {
    const record = await findRecord(connection, remoteId);
    if (record.link_pdf === null) throw new NotFound('document', remoteId);
    const url = linkOnOrigin(PROVIDER, connection.baseUrl, record.link_pdf, 'link_pdf');
    url.searchParams.set('api_key', connection.credentials.token);
    const response = await connection.http.send({ url, headers: { accept: 'application/pdf' } });
    expectSuccess(PROVIDER, response, { resource: 'document', identifier: remoteId }, errorMessage);
    return { kind: 'content', contentType: contentType(response) ?? 'application/pdf', body: response.body };
  },
};
