import { toXml } from '../../sandbox/bodies.ts';
import { centsOf, formatCents, Random, wallClock } from '../../sandbox/fake-data.ts';
import { InvoiceBook } from '../../sandbox/invoice-book.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/sandbox.ts';
import {
  bearerToken,
  createSandboxApp,
  json,
  type SandboxApp,
  type SandboxRequest,
  wantsXml,
} from '../../sandbox/sandbox-app.ts';

/**
 * orders-api as its docs describe it: `GET /v1/Orders/{orderId}/Invoices` with a bearer token,
 * JSON or XML (`ArrayOfInvoiceBase`) by `Accept`, ASP.NET's `{"Message": …}` error bodies.
 * Ids are integers; orders have one or two invoices. `MainStatusId` here means
 * 1 open, 2 partially paid, 3 paid, 4 cancelled (the provider documents no meanings, so the
 * local runtime's connection carries this map); a few invoices are `Deleted`.
 */

export interface OrdersApiSandboxOptions extends SandboxOptions {
  /** @default "sandbox-orders-api-token" */
  token?: string;
}

const TOKEN = 'sandbox-orders-api-token';

export const ORDERS_API_SANDBOX_STATUS_MAP = {
  '1': 'OPEN',
  '2': 'PARTIALLY_PAID',
  '3': 'PAID',
  '4': 'VOID',
} as const;

const STATUSES = ['1', '2', '3', '4'] as const;
const FIRST_INVOICE_ID = 1001;
const FIRST_ORDER_ID = 5001;
const CURRENCIES = [
  [1, 'EUR'],
  [1, 'EUR'],
  [1, 'EUR'],
  [2, 'USD'],
  [3, 'GBP'],
] as const;
const FROM = new Date('2023-01-01T00:00:00Z');
const TO = new Date('2025-12-31T00:00:00Z');

/** Orders get invoices in a 2, 1, 2, 1… rhythm: invoice i belongs to order ⌊2i/3⌋. */
function orderIndexOf(index: number): number {
  return Math.floor((2 * index) / 3);
}

function invoiceIndexesOf(orderIndex: number): number[] {
  const indexes: number[] = [];
  for (let index = Math.ceil((3 * orderIndex) / 2); orderIndexOf(index) === orderIndex; index++)
    indexes.push(index);
  return indexes;
}

/** `2021-12-02T20:19:34.310359+01:00`: microseconds and a Central European offset. */
function dotNetTimestamp(instant: Date, random: Random): string {
  const month = instant.getUTCMonth();
  const offsetHours = month >= 3 && month <= 9 ? 2 : 1;
  return `${wallClock(instant, offsetHours)}.${random.digits(6)}+0${offsetHours}:00`;
}

function generate(seed: number, index: number) {
  const random = Random.for(seed, index);
  const excl = random.amount(1000, 500000);
  const [currencyId, currencyCode] = random.pick(CURRENCIES);
  const invoiceDate = random.instant(FROM, TO);
  const changed = new Date(invoiceDate.getTime() + random.int(0, 30 * 86_400) * 1000);
  const orderIndex = orderIndexOf(index);
  return {
    Id: FIRST_INVOICE_ID + index,
    InvoiceCode: `F${invoiceDate.getUTCFullYear()}-${String(index + 1).padStart(6, '0')}`,
    OrderId: FIRST_ORDER_ID + orderIndex,
    OrderCode: `ORD-${String(FIRST_ORDER_ID + orderIndex).padStart(8, '0')}`,
    InvoiceDate: dotNetTimestamp(invoiceDate, random),
    InvoiceTotalIncVat: formatCents(Math.round((centsOf(excl) * 121) / 100)),
    InvoiceTotalExVat: excl,
    CurrencyId: currencyId as number,
    CurrencyCode: currencyCode as string,
    Deleted: random.chance(0.05),
    ChangeTimestamp: dotNetTimestamp(changed, random),
    MainStatusId: Number(random.pick(STATUSES)),
    DocumentFileId: random.chance(0.8) ? 70000 + index : null,
  };
}

type SandboxInvoice = ReturnType<typeof generate>;

function withStatus(record: SandboxInvoice, status: string, now: Date): SandboxInvoice {
  return {
    ...record,
    MainStatusId: Number(status),
    ChangeTimestamp: dotNetTimestamp(now, new Random(now.getTime())),
  };
}

function asJson(record: SandboxInvoice) {
  // Totals go out as JSON numbers, the way the provider sends decimals.
  return {
    ...record,
    InvoiceTotalIncVat: Number(record.InvoiceTotalIncVat),
    InvoiceTotalExVat: Number(record.InvoiceTotalExVat),
  };
}

function asXml(record: SandboxInvoice) {
  const element: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    element[key] = value === null ? { '@xsi:nil': 'true' } : String(value);
  }
  return element;
}

function xmlBody(records: readonly SandboxInvoice[]): string {
  return toXml({
    ArrayOfInvoiceBase: {
      '@xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      InvoiceBase: records.map(asXml),
    },
  });
}

function invoicesResponse(request: SandboxRequest, records: SandboxInvoice[]) {
  if (!wantsXml(request)) return json(200, records.map(asJson));
  return {
    status: 200,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: xmlBody(records),
  };
}

const MESSAGES: Record<number, string> = {
  401: 'Authorization has been denied for this request.',
  404: 'No HTTP resource was found that matches the request URI.',
  429: 'Too many requests.',
};

export function createOrdersApiSandbox(options: OrdersApiSandboxOptions = {}): SandboxApp {
  const seed = options.seed ?? 1;
  const token = options.token ?? TOKEN;
  const book = new InvoiceBook<SandboxInvoice>(
    options.size ?? 300,
    (index) => generate(seed, index),
    (index) => String(FIRST_INVOICE_ID + index),
  );
  return createSandboxApp<SandboxInvoice>({
    provider: 'orders-api',
    book,
    statuses: STATUSES,
    withStatus,
    summary: (record) => ({
      remoteId: String(record.Id),
      orderId: String(record.OrderId),
      status: String(record.MainStatusId),
    }),
    authenticate: (request) => (bearerToken(request) === token ? null : 401),
    errorResponse: (status) => json(status, { Message: MESSAGES[status] ?? 'An error has occurred.' }),
    ...(options.stateFile === undefined ? {} : { persistence: { stateFile: options.stateFile, seed } }),
    routes: [
      {
        method: 'GET',
        path: '/v1/Orders/:orderId/Invoices',
        handle: (request, params) => {
          const orderId = params.orderId ?? '';
          const orderIndex = /^\d{1,9}$/.test(orderId) ? Number(orderId) - FIRST_ORDER_ID : -1;
          const indexes =
            orderIndex < 0 ? [] : invoiceIndexesOf(orderIndex).filter((index) => index < book.size);
          if (indexes.length === 0) return json(404, { Message: MESSAGES[404] });
          // An order whose invoices were all deleted still exists: it answers an empty list.
          const records = indexes
            .map((index) => book.find(book.idAt(index)))
            .filter((record) => record !== undefined);
          return invoicesResponse(request, records);
        },
      },
    ],
  });
}

export const ordersApiSandbox: Sandbox = {
  provider: 'orders-api',
  create: createOrdersApiSandbox,
  connection: { token: TOKEN, options: { format: 'json' }, statusMap: ORDERS_API_SANDBOX_STATUS_MAP },
  statusExample: (status) => {
    // Not deleted: a deleted invoice is VOID whatever its status says.
    const record = {
      ...withStatus(generate(1, 0), status, new Date('2025-01-01T00:00:00Z')),
      Deleted: false,
    };
    return { operation: 'order-invoices', body: JSON.stringify([asJson(record)]) };
  },
  // The provider answers per order; a large response is the invoices of many orders in one list.
  largeResponse: (count, format) => {
    const records = Array.from({ length: count }, (_, index) => generate(1, index));
    const body = format === 'json' ? JSON.stringify(records.map(asJson)) : xmlBody(records);
    return { operation: 'order-invoices', bodies: [body] };
  },
};
