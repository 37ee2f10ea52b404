import * as z from 'zod';
import { customer, type Invoice, type InvoiceLine } from '../../invoice/invoice.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { readId, readList, readText } from '../../wire/fields.ts';
import { canonicalId, money, utc, withRaw } from '../normalization.ts';
import { defaultMaxRecords, defineAdapter, type NormalizationContext } from '../provider.ts';
import { type RecordSource, readSingle } from '../records.ts';
import { bodyText, contentType, endpoint, expectSuccess } from '../upstream.ts';
import { type VnInvoice, type VnInvoiceLine, vnInvoiceBody } from './wire.ts';

/**
 * vn-einvoice: a Vietnamese e-invoice service, `POST /v2/ob/invoices/:id` (seed 001). One invoice
 * by UUID; no list, no order lookup, no document link.
 *
 * The provider tracks submission to the tax authority, not payment, so `authority_status` is both
 * `authorityStatus` (verbatim) and, through this table, the canonical status:
 * | provider       | canonical |
 * |----------------|-----------|
 * | NOT_SUBMITTED  | DRAFT     |
 * | ERROR          | DRAFT     |
 * | SUBMITTED      | OPEN      |
 * | SUCCESS        | OPEN      |
 * | ACCEPTED       | OPEN      |
 * | REJECTED       | VOID      |
 * | CANCELED       | VOID      |
 *
 * VAT rates: ZERO/FIVE/EIGHT/TEN are "0"/"5"/"8"/"10"; NONE (not subject to VAT) and UNDECLARED
 * are null. Amounts are VND (the body has no currency).
 *
 * Assumptions where the seed is silent: auth is `Authorization: Bearer <token>` (the seed only
 * shows 401 "Not Authorized" and 403 "Not Allowed"); an unknown id answers 404; the POST has no body.
 */

const PROVIDER = 'vn-einvoice';

export const vnEinvoiceStatuses: StatusTable = {
  NOT_SUBMITTED: 'DRAFT',
  ERROR: 'DRAFT',
  SUBMITTED: 'OPEN',
  SUCCESS: 'OPEN',
  ACCEPTED: 'OPEN',
  REJECTED: 'VOID',
  CANCELED: 'VOID',
};

const VAT_RATES: Readonly<Record<string, string | null>> = {
  UNDECLARED: null,
  NONE: null,
  ZERO: '0',
  FIVE: '5',
  EIGHT: '8',
  TEN: '10',
};

const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;
const SOURCE: RecordSource = { provider: PROVIDER, invoiceId: UUID, maxRecords: defaultMaxRecords({}) };

function normalizeLine(line: VnInvoiceLine): InvoiceLine {
  const rate = readText(line.vat_rate);
  return {
    remoteId: readText(line.code),
    description: readText(line.name),
    quantity: money(line.quantity),
    unit: readText(line.unit),
    unitPrice: money(line.price),
    discount: money(line.discount_amount),
    taxRate: rate === null ? null : (VAT_RATES[rate.toUpperCase()] ?? null),
    tax: money(line.tax_amount),
    amount: money(line.amount),
    status: null,
    createdAt: null,
  };
}

function normalize(record: VnInvoice, context: NormalizationContext): Invoice {
  const remoteId = readId(record.id);
  const consumer = record.consumer;
  const authorityStatus = readText(record.authority_status);
  return withRaw(
    {
      id: canonicalId(context, remoteId),
      provider: context.provider,
      connection: context.connection,
      remoteId,
      number: readText(record.full_symbol),
      status: mapStatus(authorityStatus, vnEinvoiceStatuses, context.statusMap),
      providerStatus: authorityStatus,
      authorityStatus,
      currency: context.currency,
      subtotal: money(record.invoice_amount?.subtotal ?? null),
      tax: money(record.invoice_amount?.vat_amount ?? null),
      total: money(record.invoice_amount?.total ?? null),
      createdAt: utc(record.created_date, 'created_date', context),
      issuedAt: utc(record.date_of_issue, 'date_of_issue', context),
      dueAt: null,
      updatedAt: utc(record.updated_date, 'updated_date', context),
      orderIds: [],
      documentUrl: null,
      customer:
        consumer == null
          ? null
          : customer({
              code: readText(consumer.code),
              name: readText(consumer.name),
              taxId: readText(consumer.tax_code),
              address: readText(consumer.address),
              phone: readText(consumer.phone),
              nationalId: readText(consumer.citizen_identification),
              contactName: readText(consumer.buyer_name),
              bankAccount: readText(consumer.bank_account),
            }),
      lines: readList(record.invoice_lines).map(normalizeLine),
    },
    record,
    context,
  );
}

function normalizeBody(body: string, type: string | null, context: NormalizationContext): Invoice {
  return readSingle(SOURCE, vnInvoiceBody, body, type, context, (record) => normalize(record, context));
}

export const vnEinvoice = defineAdapter({
  id: PROVIDER,
  defaults: { timeZone: 'Asia/Ho_Chi_Minh', currency: 'VND' },
  statusTable: vnEinvoiceStatuses,
  optionsSchema: z.object({}),
  idPatterns: { invoice: UUID },
  wire: { get: vnInvoiceBody },

  normalizeBody(_operation, body, type, context) {
    return { invoices: [normalizeBody(body, type, context)], next: null, quarantined: [] };
  },

  async get(connection, remoteId) {
    const response = await connection.http.send({
      method: 'POST',
      url: endpoint(connection.baseUrl, `/v2/ob/invoices/${encodeURIComponent(remoteId)}`),
      headers: { accept: 'application/json', authorization: `Bearer ${connection.credentials.token}` },
    });
    expectSuccess(
      PROVIDER,
      response,
      { resource: 'invoice', identifier: remoteId },
      (text) => text.trim() || null,
    );
    return normalizeBody(bodyText(response), contentType(response), connection.context);
  },
});
