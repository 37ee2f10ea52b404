import * as z from 'zod';
import { InvalidInput, NotFound, ProviderRejected } from '../../errors.ts';
import type { Invoice } from '../../invoice/invoice.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { readEnvelope } from '../../wire/decode.ts';
import { isRecordValue, readFlag, readId, readOptionalId, readText } from '../../wire/fields.ts';
import { exactNumberText } from '../../wire/json.ts';
import { canonicalId, utc, withRaw } from '../normalization.ts';
import {
  DEFAULT_MAX_RECORDS_WHOLE_LIST,
  defineAdapter,
  type NormalizationContext,
  type ProviderConnection,
} from '../provider.ts';
import { type PageRecords, type RecordSource, readPage } from '../records.ts';
import { bodyText, contentType, endpoint, expectSuccess, linkOnOrigin } from '../upstream.ts';
import { type PretendentasEnvelope, type PretendentasInvoice, pretendentasBody } from './wire.ts';

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
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SOURCE: RecordSource = {
  provider: PROVIDER,
  invoiceId: ID,
  maxRecords: DEFAULT_MAX_RECORDS_WHOLE_LIST,
};

type Page = PageRecords<PretendentasEnvelope, PretendentasInvoice>;

export const pretendentasStatuses: StatusTable = {
  PAID: 'PAID',
  PARTIALLY_PAID: 'PARTIALLY_PAID',
  UNPAID: 'OPEN',
};

const Options = z.object({ format: z.enum(['json', 'xml']).default('json') });

function normalize(record: PretendentasInvoice, context: NormalizationContext): Invoice {
  const remoteId = readId(record.id);
  const createdAt = utc(record.created_at, 'created_at', context);
  const invoiceNumber = readOptionalId(record.inv_nr);
  const status = readText(record.status);
  const orderId = readOptionalId(record.order_id);
  return withRaw(
    {
      id: canonicalId(context, remoteId),
      provider: context.provider,
      connection: context.connection,
      remoteId,
      number:
        invoiceNumber === null
          ? null
          : `${readText(record.inv_series) ?? ''}${NUMBER_SEPARATOR}${invoiceNumber}`,
      status: mapStatus(status, pretendentasStatuses, context.statusMap),
      providerStatus: status,
      authorityStatus: null,
      currency: context.currency,
      subtotal: null,
      tax: null,
      total: null,
      createdAt,
      issuedAt: invoiceNumber === null ? null : createdAt,
      dueAt: null,
      updatedAt: null,
      orderIds: orderId === null ? [] : [orderId],
      documentUrl: readText(record.link_pdf),
      customer: null,
      lines: [],
    },
    record,
    context,
  );
}

/**
 * Reads the envelope and hands its records to `use`; a refusal (`success: false`) is an error,
 * never an empty page.
 */
function withRecords<R>(
  body: string,
  type: string | null,
  status: number,
  context: NormalizationContext,
  use: (page: Page) => R,
): R {
  return readPage(SOURCE, pretendentasBody, body, type, context, (page) => {
    if (readFlag(page.envelope.success) !== true)
      throw new ProviderRejected(PROVIDER, status, readText(page.envelope.message));
    return use(page);
  });
}

/** The envelope's `message` of an error answer, for the operator (never shown to API callers). */
function errorMessage(body: string): string | null {
  return readText(readEnvelope(PROVIDER, pretendentasBody, body, null).message);
}

/** Fetches the whole list (the provider does not page) and hands its records to `use`. */
async function withAllRecords<R>(connection: ProviderConnection, use: (page: Page) => R): Promise<R> {
  const { format } = Options.parse(connection.options);
  const response = await connection.http.send({
    url: endpoint(connection.baseUrl, '/v1/invoices', { api_key: connection.credentials.token }),
    headers: { accept: format === 'xml' ? 'application/xml' : 'application/json' },
  });
  expectSuccess(PROVIDER, response, { resource: 'invoice', identifier: '*' }, errorMessage);
  return withRecords(bodyText(response), contentType(response), response.status, connection.context, use);
}

async function findRecord(connection: ProviderConnection, remoteId: string): Promise<Invoice> {
  const invoice = await withAllRecords(connection, (page) => {
    for (let index = 0; index < page.count; index++) {
      if (page.remoteIdAt(index) === remoteId)
        return page.readOne((record) => normalize(record, connection.context), index);
    }
    return undefined;
  });
  if (invoice === undefined) throw new NotFound('invoice', remoteId);
  return invoice;
}

/** The order id of a record not read yet, as text, when it can be told without reading the record. */
function orderIdOf(record: unknown): string | null {
  const orderId = isRecordValue(record) ? record.order_id : undefined;
  if (typeof orderId === 'string') return orderId;
  return typeof orderId === 'number' ? exactNumberText(orderId) : null;
}

function offsetOf(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new InvalidInput('cursor', 'not a cursor of this connection');
  return Number(cursor);
}

export const pretendentas = defineAdapter({
  id: PROVIDER,
  defaults: { timeZone: 'Europe/Vilnius', currency: 'EUR' },
  statusTable: pretendentasStatuses,
  optionsSchema: Options,
  wholeListPerRequest: true,
  idPatterns: { invoice: ID, order: ID },
  wire: { list: pretendentasBody, get: pretendentasBody, 'order-invoices': pretendentasBody },

  normalizeBody(_operation, body, type, context) {
    return withRecords(body, type, 200, context, (page) => ({
      ...page.readRange((record) => normalize(record, context)),
      next: null,
    }));
  },

  list(connection, { cursor, limit }) {
    const offset = offsetOf(cursor);
    return withAllRecords(connection, (page) => {
      const end = limit === null ? page.count : Math.min(page.count, offset + limit);
      return {
        ...page.readRange((record) => normalize(record, connection.context), offset, end),
        next: end < page.count ? String(end) : null,
      };
    });
  },

  get: findRecord,

  async orderInvoices(connection, orderId) {
    const found = await withAllRecords(connection, (page) => {
      const indexes: number[] = [];
      for (let index = 0; index < page.count; index++)
        if (orderIdOf(page.unchecked(index)) === orderId) indexes.push(index);
      return page.readIndexes((record) => normalize(record, connection.context), indexes);
    });
    // Every order gets a reservation invoice when it is created, so none means no such order.
    if (found.invoices.length === 0 && found.quarantined.length === 0) throw new NotFound('order', orderId);
    return found;
  },

  async document(connection, remoteId) {
    const invoice = await findRecord(connection, remoteId);
    if (invoice.documentUrl === null) throw new NotFound('document', remoteId);
    const url = linkOnOrigin(PROVIDER, connection.baseUrl, invoice.documentUrl, 'link_pdf');
    url.searchParams.set('api_key', connection.credentials.token);
    const response = await connection.http.send({ url, headers: { accept: 'application/pdf' } });
    expectSuccess(PROVIDER, response, { resource: 'document', identifier: remoteId }, errorMessage);
    return { kind: 'content', contentType: contentType(response) ?? 'application/pdf', body: response.body };
  },
});
