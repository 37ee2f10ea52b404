import * as z from 'zod';
import type { Invoice } from '../../invoice/invoice.ts';
import { difference } from '../../invoice/money.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { readDecimal, readFlag, readId, readOptionalId, readText } from '../../wire/fields.ts';
import { canonicalId, currency, utc, withRaw } from '../normalization.ts';
import {
  defaultMaxRecords,
  defineAdapter,
  type NormalizationContext,
  type ProviderRecords,
} from '../provider.ts';
import { type RecordSource, readPage } from '../records.ts';
import { bodyText, contentType, endpoint, expectSuccess } from '../upstream.ts';
import { type OrdersInvoice, ordersInvoicesBody } from './wire.ts';

/**
 * orders-api: an ASP.NET Web API, `GET v1/Orders/{orderId}/Invoices` (seed 002). Invoices of
 * one order only; no list-all, no single-invoice lookup.
 *
 * Status: `Deleted: true` is VOID. Otherwise `MainStatusId` is an integer whose meanings the
 * provider does not document, so the table is empty and each connection brings its own map
 * (`statusMap: {"1": "OPEN", "3": "PAID"}`). Without one every invoice is UNKNOWN with
 * `providerStatus` the id as text ("1"), which the canonical model allows and keeps.
 *
 * Money: `tax` = InvoiceTotalIncVat - InvoiceTotalExVat, in decimal arithmetic. `CurrencyCode` is
 * used when it is an ISO 4217 code; the seed's "sample string 8" is not, so it reads as null.
 *
 * Assumptions where the seed is silent: "Requires Authorization" is `Authorization: Bearer
 * <token>`; JSON unless the connection sets `format: "xml"`; an unknown order answers 404;
 * `DocumentFileId` names a file whose endpoint the scrape does not include, so `documentUrl` is
 * null and the document operation is not offered.
 */

const PROVIDER = 'orders-api';
const ID = /^\d{1,19}$/;
const SOURCE: RecordSource = { provider: PROVIDER, invoiceId: ID, maxRecords: defaultMaxRecords({}) };

export const ordersApiStatuses: StatusTable = {};

const Options = z.object({ format: z.enum(['json', 'xml']).default('json') });

function normalize(record: OrdersInvoice, context: NormalizationContext): Invoice {
  const remoteId = readId(record.Id);
  const statusId = readOptionalId(record.MainStatusId);
  const including = readDecimal(record.InvoiceTotalIncVat);
  const excluding = readDecimal(record.InvoiceTotalExVat);
  return withRaw(
    {
      id: canonicalId(context, remoteId),
      provider: context.provider,
      connection: context.connection,
      remoteId,
      number: readText(record.InvoiceCode),
      status:
        readFlag(record.Deleted) === true
          ? 'VOID'
          : mapStatus(statusId, ordersApiStatuses, context.statusMap),
      providerStatus: statusId,
      authorityStatus: null,
      currency: currency(record.CurrencyCode, context),
      subtotal: excluding,
      tax: difference(including, excluding),
      total: including,
      createdAt: null,
      issuedAt: utc(record.InvoiceDate, 'InvoiceDate', context),
      dueAt: null,
      updatedAt: utc(record.ChangeTimestamp, 'ChangeTimestamp', context),
      orderIds: [readId(record.OrderId)],
      documentUrl: null,
      customer: null,
      lines: [],
    },
    record,
    context,
  );
}

function normalizeAll(body: string, type: string | null, context: NormalizationContext): ProviderRecords {
  return readPage(SOURCE, ordersInvoicesBody, body, type, context, (page) =>
    page.readRange((record) => normalize(record, context)),
  );
}

/** ASP.NET Web API error bodies are `{"Message": "..."}`. */
function errorMessage(body: string): string | null {
  const parsed: unknown = JSON.parse(body);
  return typeof parsed === 'object' && parsed !== null && 'Message' in parsed ? String(parsed.Message) : null;
}

export const ordersApi = defineAdapter({
  id: PROVIDER,
  // The seed's timestamps carry offsets; the zone only matters for zone-less ones.
  defaults: { timeZone: 'Europe/Amsterdam', currency: null },
  statusTable: ordersApiStatuses,
  optionsSchema: Options,
  idPatterns: { invoice: ID, order: ID },
  wire: { 'order-invoices': ordersInvoicesBody },

  normalizeBody(_operation, body, type, context) {
    return { ...normalizeAll(body, type, context), next: null };
  },

  async orderInvoices(connection, orderId) {
    const { format } = Options.parse(connection.options);
    const response = await connection.http.send({
      url: endpoint(connection.baseUrl, `/v1/Orders/${encodeURIComponent(orderId)}/Invoices`),
      headers: {
        accept: format === 'xml' ? 'application/xml' : 'application/json',
        authorization: `Bearer ${connection.credentials.token}`,
      },
    });
    expectSuccess(PROVIDER, response, { resource: 'order', identifier: orderId }, errorMessage);
    return normalizeAll(bodyText(response), contentType(response), connection.context);
  },
});
