import * as z from 'zod';
import { InvalidInput, MalformedResponse } from '../../errors.ts';
import { customer, type Invoice, type InvoiceLine } from '../../invoice/invoice.ts';
import { optionalProduct } from '../../invoice/money.ts';
import { mapStatus, type StatusTable } from '../../invoice/status-mapping.ts';
import { readBody } from '../../wire/decode.ts';
import { readFlag, readId, readOptionalId, readText } from '../../wire/fields.ts';
import { currency, identity, money, normalizeEach, normalizeOne, utc, withRaw } from '../normalization.ts';
import type { NormalizationContext, ProviderAdapter, ProviderConnection } from '../provider.ts';
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

export const carbonextStatuses: StatusTable = {
  Pending: 'OPEN',
  Paid: 'PAID',
  Canceled: 'VOID',
  Cancelled: 'VOID',
};

function normalizeLine(order: CarbonextOrder, context: NormalizationContext, index: number): InvoiceLine {
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
    createdAt: utc(order.createdAt, `orders[${index}].createdAt`, context, 'day-first'),
  };
}

function normalize(record: CarbonextInvoice, context: NormalizationContext): Invoice {
  const status = readText(record.status);
  const customerId = readText(record.customerId);
  return withRaw(
    {
      ...identity(context, readId(record.id)),
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
      orderIds: record.orders.map((order) => readId(order.id)),
      documentUrl: null,
      customer: customerId === null ? null : customer({ code: customerId }),
      lines: record.orders.map((order, index) => normalizeLine(order, context, index)),
    },
    record,
    context,
  );
}

function pageResult(page: CarbonextPage, context: NormalizationContext) {
  const invoices = normalizeEach(PROVIDER, page.items, 'items', (record) => normalize(record, context));
  if (readFlag(page.hasNextPage) !== true) return { invoices, next: null, quarantined: [] };
  const pageIndex = readOptionalId(page.pageIndex);
  if (pageIndex === null || !/^\d{1,9}$/.test(pageIndex)) {
    throw new MalformedResponse(PROVIDER, 'body.pageIndex: needed to reach the next page');
  }
  return { invoices, next: String(Number(pageIndex) + 1), quarantined: [] };
}

function normalizeInvoice(body: string, type: string | null, context: NormalizationContext): Invoice {
  return readBody(PROVIDER, carbonextInvoiceBody, body, type, (record) =>
    normalizeOne(PROVIDER, record, 'body', (r) => normalize(r, context)),
  );
}

function authorized(connection: ProviderConnection) {
  return { accept: 'application/json', authorization: `Bearer ${connection.credentials.token}` };
}

export const carbonext: ProviderAdapter = {
  id: PROVIDER,
  operations: ['list', 'get'],
  defaults: { timeZone: 'America/Sao_Paulo', currency: 'BRL' },
  statusTable: carbonextStatuses,
  optionsSchema: z.object({}),
  idPatterns: { invoice: /^[A-Za-z0-9-]{1,64}$/ },

  normalizeBody(operation, body, type, context) {
    if (operation === 'get') {
      return { invoices: [normalizeInvoice(body, type, context)], next: null, quarantined: [] };
    }
    return readBody(PROVIDER, carbonextPageBody, body, type, (page) => pageResult(page, context));
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
    return readBody(PROVIDER, carbonextPageBody, bodyText(response), contentType(response), (page) =>
      pageResult(page, connection.context),
    );
  },

  async get(connection, remoteId) {
    const url = endpoint(connection.baseUrl, `/v1/invoices/${encodeURIComponent(remoteId)}`);
    const response = await connection.http.send({ url, headers: authorized(connection) });
    expectSuccess(PROVIDER, response, { resource: 'invoice', identifier: remoteId });
    return normalizeInvoice(bodyText(response), contentType(response), connection.context);
  },
};
