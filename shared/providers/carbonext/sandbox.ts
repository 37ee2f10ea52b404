import { formatCents, Random } from '../../sandbox/fake-data.ts';
import { InvoiceBook } from '../../sandbox/invoice-book.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/sandbox.ts';
import {
  bearerToken,
  boundedInteger,
  createSandboxApp,
  json,
  type SandboxApp,
  type SandboxResponse,
} from '../../sandbox/sandbox-app.ts';

/**
 * carbonext as its docs describe it: `GET /v1/invoices?pageIndex=&pageSize=` (1-based pages with
 * totals and has-next/previous flags) and `GET /v1/invoices/{id}`, bearer token (401 with an empty
 * body and `WWW-Authenticate: Bearer`, as ASP.NET Core answers), nested orders with their own
 * statuses, amounts in BRL as JSON numbers, order times as `dd/MM/yyyy HH:mm:ss` São Paulo wall
 * clock, spread over 2018-2025 so that the years with Brazilian daylight saving are covered.
 */

export interface CarbonextSandboxOptions extends SandboxOptions {
  /** @default "sandbox-carbonext-token" */
  token?: string;
}

const TOKEN = 'sandbox-carbonext-token';

const STATUSES = ['Pending', 'Paid', 'Canceled'] as const;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const FROM = new Date('2018-01-01T00:00:00Z');
const TO = new Date('2025-12-31T00:00:00Z');

function dayFirst(instant: Date): string {
  const iso = instant.toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

function orderStatus(invoiceStatus: string, random: Random): string {
  if (invoiceStatus === 'Pending') return 'Billed';
  if (invoiceStatus === 'Canceled') return 'Refunded';
  return random.chance(0.8) ? 'Paid' : 'Refunded';
}

function generate(seed: number, index: number) {
  const random = Random.for(seed, index);
  const id = random.uuid();
  const roll = random.next();
  const status: string = roll < 0.55 ? 'Paid' : roll < 0.9 ? 'Pending' : 'Canceled';
  const customerId = Random.for(seed ^ 0xc057, random.int(0, 4)).uuid();
  const created = random.instant(FROM, TO);
  const orders = Array.from({ length: random.int(1, 3) }, (_, order) => {
    const vcuAmount = random.int(1, 50) * 10;
    const priceCents = random.int(60, 95) * 100 + (random.chance(0.3) ? 50 : 0);
    return {
      id: random.uuid(),
      vcuAmount,
      vcuUnitPrice: Number(formatCents(priceCents)),
      targetCurrency: 'BRL',
      status: orderStatus(status, random),
      // São Paulo wall clock, an hour apart per order.
      createdAt: dayFirst(new Date(created.getTime() - order * 3_600_000)),
      cents: vcuAmount * priceCents,
    };
  });
  return {
    id,
    status,
    totalVcuAmount: orders.reduce((total, order) => total + order.vcuAmount, 0),
    totalPrice: Number(formatCents(orders.reduce((total, order) => total + order.cents, 0))),
    currency: 'BRL',
    customerId,
    orders: orders.map(({ cents: _cents, ...order }) => order),
  };
}

type SandboxInvoice = ReturnType<typeof generate>;

/** Paying pays every order, cancelling refunds them. */
function withStatus(record: SandboxInvoice, status: string): SandboxInvoice {
  return {
    ...record,
    status,
    orders: record.orders.map((order) => ({
      ...order,
      status: status === 'Paid' ? 'Paid' : status === 'Canceled' ? 'Refunded' : order.status,
    })),
  };
}

function errorResponse(status: number): SandboxResponse {
  if (status === 401) return { status, headers: { 'www-authenticate': 'Bearer' }, body: '' };
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: JSON.stringify({
      type: `https://tools.ietf.org/html/rfc9110#section-15.${status < 500 ? 5 : 6}.${(status % 100) + 1}`,
      title: status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'An error occurred',
      status,
    }),
  };
}

export function createCarbonextSandbox(options: CarbonextSandboxOptions = {}): SandboxApp {
  const seed = options.seed ?? 1;
  const token = options.token ?? TOKEN;
  const book = new InvoiceBook<SandboxInvoice>(
    options.size ?? 300,
    (index) => generate(seed, index),
    (index) => Random.for(seed, index).uuid(),
  );
  return createSandboxApp<SandboxInvoice>({
    provider: 'carbonext',
    book,
    statuses: STATUSES,
    withStatus,
    summary: (record) => ({
      remoteId: record.id,
      orderId: record.orders[0]?.id ?? null,
      status: record.status,
    }),
    authenticate: (request) => (bearerToken(request) === token ? null : 401),
    errorResponse,
    ...(options.stateFile === undefined ? {} : { persistence: { stateFile: options.stateFile, seed } }),
    routes: [
      {
        method: 'GET',
        path: '/v1/invoices',
        handle: (request) => {
          const pageSize = boundedInteger(request.query.get('pageSize'), 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const totalPages = Math.max(1, Math.ceil(book.count / pageSize));
          const pageIndex = boundedInteger(request.query.get('pageIndex'), 1, Number.MAX_SAFE_INTEGER, 1);
          const start = (pageIndex - 1) * pageSize;
          return json(200, {
            items: book.slice(start, start + pageSize),
            pageIndex,
            totalPages,
            totalCount: book.count,
            hasPreviousPage: pageIndex > 1,
            hasNextPage: pageIndex < totalPages,
          });
        },
      },
      {
        method: 'GET',
        path: '/v1/invoices/:id',
        handle: (_request, params) => {
          const record = book.find((params.id ?? '').toLowerCase());
          return record === undefined ? errorResponse(404) : json(200, record);
        },
      },
    ],
  });
}

export const carbonextSandbox: Sandbox = {
  provider: 'carbonext',
  create: createCarbonextSandbox,
  connection: { token: TOKEN, options: {} },
  statusExample: (status) => ({ operation: 'get', body: JSON.stringify(withStatus(generate(1, 0), status)) }),
  largeResponse: (count, format) => {
    if (format !== 'json') return null;
    const items = Array.from({ length: count }, (_, index) => generate(1, index));
    const page = {
      items,
      pageIndex: 1,
      totalPages: 1,
      totalCount: count,
      hasPreviousPage: false,
      hasNextPage: false,
    };
    return { operation: 'list', bodies: [JSON.stringify(page)] };
  },
};
