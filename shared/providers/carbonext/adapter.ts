import * as z from 'zod';
import { InvalidInput, MalformedResponse } from '../../errors.ts';
import { customer, type Invoice, type InvoiceLine } from '../../invoice/invoice.ts';
import { optionalProduct } from '../../invoice/money.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { readFlag, readId, readList, readOptionalId, readText } from '../../wire/fields.ts';
import { canonicalId, currency, FieldError, money, utc, withRaw } from '../normalization.ts';
import {
  defaultMaxRecords,
  defineAdapter,
  type NormalizationContext,
  type ProviderConnection,
  type ProviderPage,
} from '../provider.ts';
import { type PageRecords, type RecordSource, readPage, readSingle } from '../records.ts';
import { bodyText, contentType, endpoint, expectSuccess } from '../upstream.ts';
import {
  type CarbonextInvoice,
  type CarbonextOrder,
  type CarbonextPage,
  carbonextInvoiceBody,
  carbonextPageBody,
} from './wire.ts';

/**
 * carbonext: a Brazilian carbon-credit (VCU) marketplace, `GET /v1/invoices` (paged) and
 * `GET /v1/invoices/:id` (seed 004), bearer token.
 *
 * Status table:
 * | provider             | canonical |
 * |----------------------|-----------|
 * | Pending              | OPEN      |
 * | Paid                 | PAID      |
 * | Canceled, Cancelled  | VOID      |
 *
 * Orders become lines: quantity = vcuAmount (unit "VCU"), unitPrice = vcuUnitPrice, amount =
 * their product, with the order's own status (Billed, Paid, Refunded) and createdAt. Order
 * timestamps are `dd/MM/yyyy HH:mm:ss` in America/Sao_Paulo (Brazil had daylight saving until
 * 2019). `totalPrice` is `total`; the body states no tax, so `subtotal` and `tax` are null. An
 * invoice has no number and no timestamp of its own, so `number` and its dates are null.
 *
 * Assumptions where the seed is silent: pages are asked for with `pageIndex` (1-based, as the
 * example answers) and `pageSize`; `customerId` is the customer's `code`.
 */

const PROVIDER = 'carbonext';
const MAX_PAGE_SIZE = 100;
const INVOICE_ID = /^[A-Za-z0-9-]{1,64}$/;
const SOURCE: RecordSource = { provider: PROVIDER, invoiceId: INVOICE_ID, maxRecords: defaultMaxRecords({}) };

export const carbonextStatuses: StatusTable = {
  Pending: 'OPEN',
  Paid: 'PAID',
  Canceled: 'VOID',
  Cancelled: 'VOID',
};

function normalizeLine(order: CarbonextOrder, context: NormalizationContext): InvoiceLine {
  const quantity = money(order.vcuAmount);
  const unitPrice = money(order.vcuUnitPrice);
  return {
    remoteId: readId(order.id),
    description: 'Verified Carbon Units',
    quantity,
    unit: 'VCU',
    unitPrice,
    discount: null,
    taxRate: null,
    tax: null,
    amount: optionalProduct(quantity, unitPrice),
    status: readText(order.status),
    createdAt: utc(order.createdAt, 'createdAt', context, 'day-first'),
  };
}

function normalize(record: CarbonextInvoice, context: NormalizationContext): Invoice {
  const remoteId = readId(record.id);
  const status = readText(record.status);
  const customerId = readText(record.customerId);
  const orders = readList(record.orders);
  const orderIds = new Array<string>(orders.length);
  const lines = new Array<InvoiceLine>(orders.length);
  for (let index = 0; index < orders.length; index++) {
    const order = orders[index] as CarbonextOrder;
    try {
      lines[index] = normalizeLine(order, context);
    } catch (error: unknown) {
      throw error instanceof FieldError ? error.within('orders', index) : error;
    }
    orderIds[index] = lines[index]?.remoteId as string;
  }
  return withRaw(
    {
      id: canonicalId(context, remoteId),
      provider: context.provider,
      connection: context.connection,
      remoteId,
      number: null,
      status: mapStatus(status, carbonextStatuses, context.statusMap),
      providerStatus: status,
      authorityStatus: null,
      currency: currency(record.currency, context),
      subtotal: null,
      tax: null,
      total: money(record.totalPrice),
      createdAt: null,
      issuedAt: null,
      dueAt: null,
      updatedAt: null,
      orderIds,
      documentUrl: null,
      customer: customerId === null ? null : customer({ code: customerId }),
      lines,
    },
    record,
    context,
  );
}

function pageResult(
  page: PageRecords<CarbonextPage, CarbonextInvoice>,
  context: NormalizationContext,
): ProviderPage {
  const records = page.readRange((record) => normalize(record, context));
  if (readFlag(page.envelope.hasNextPage) !== true) return { ...records, next: null };
  const pageIndex = readOptionalId(page.envelope.pageIndex);
  if (pageIndex === null || !/^\d{1,9}$/.test(pageIndex)) {
    throw new MalformedResponse(PROVIDER, 'body.pageIndex: needed to reach the next page');
  }
  return { ...records, next: String(Number(pageIndex) + 1) };
}

function readInvoicePage(body: string, type: string | null, context: NormalizationContext): ProviderPage {
  return readPage(SOURCE, carbonextPageBody, body, type, context, (page) => pageResult(page, context));
}

function normalizeInvoice(body: string, type: string | null, context: NormalizationContext): Invoice {
  return readSingle(SOURCE, carbonextInvoiceBody, body, type, context, (record) =>
    normalize(record, context),
  );
}

function authorized(connection: ProviderConnection) {
  return { accept: 'application/json', authorization: `Bearer ${connection.credentials.token}` };
}

export const carbonext = defineAdapter({
  id: PROVIDER,
  defaults: { timeZone: 'America/Sao_Paulo', currency: 'BRL' },
  statusTable: carbonextStatuses,
  optionsSchema: z.object({}),
  idPatterns: { invoice: INVOICE_ID },
  wire: { list: carbonextPageBody, get: carbonextInvoiceBody },

  normalizeBody(operation, body, type, context) {
    if (operation === 'get') {
      return { invoices: [normalizeInvoice(body, type, context)], next: null, quarantined: [] };
    }
    return readInvoicePage(body, type, context);
  },

  async list(connection, { cursor, limit }) {
    if (cursor !== null && !/^\d{1,9}$/.test(cursor))
      throw new InvalidInput('cursor', 'not a cursor of this connection');
    const url = endpoint(connection.baseUrl, '/v1/invoices', {
      pageIndex: cursor ?? 1,
      pageSize: limit === null ? null : Math.min(limit, MAX_PAGE_SIZE),
    });
    const response = await connection.http.send({ url, headers: authorized(connection) });
    expectSuccess(PROVIDER, response, { resource: 'invoice', identifier: '*' });
    return readInvoicePage(bodyText(response), contentType(response), connection.context);
  },

  async get(connection, remoteId) {
    const url = endpoint(connection.baseUrl, `/v1/invoices/${encodeURIComponent(remoteId)}`);
    const response = await connection.http.send({ url, headers: authorized(connection) });
    expectSuccess(PROVIDER, response, { resource: 'invoice', identifier: remoteId });
    return normalizeInvoice(bodyText(response), contentType(response), connection.context);
  },
});
