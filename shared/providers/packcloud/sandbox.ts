import { DUTCH, formatCents, Random } from '../../sandbox/fake-data.ts';
import { InvoiceBook } from '../../sandbox/invoice-book.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/sandbox.ts';
import {
  bearerToken,
  boundedInteger,
  createSandboxApp,
  json,
  type SandboxApp,
  type SandboxRequest,
} from '../../sandbox/sandbox-app.ts';
import { LINE_UNIT_PRICE, PAGE_ITEMS, TOTAL_EXCLUDING_VAT, TOTAL_INCLUDING_VAT } from './wire.ts';

/**
 * packcloud as its docs describe it: `GET /v1/organizations/{org}/billing/invoices?page=&per_page=`
 * with `prev`/`next` links, `…/invoices/{id}` and `…/invoices/{id}/lines`, bearer token auth,
 * Laravel-style `{"message": …}` errors (401 without a valid token, 403 for another organization).
 * Ids look like numbers ("000123") and must stay text.
 */

export interface PackcloudSandboxOptions extends SandboxOptions {
  /** @default "sandbox-packcloud-token" */
  token?: string;
  /** @default "sandbox-org" */
  organizationId?: string;
  /** Origin written into `prev`/`next` links instead of the sandbox's own (to test hostile links). */
  linkOrigin?: string;
}

const STATUSES = ['draft', 'open', 'sent', 'paid', 'partially_paid', 'credited', 'cancelled'] as const;
const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;
const LINES_PER_PAGE = 5;
const FROM = new Date('2023-01-01T00:00:00Z');
const TO = new Date('2025-12-31T00:00:00Z');

/** Laravel's JSON dates: `2024-07-11T07:30:00.000000Z`. */
function laravelTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function generate(seed: number, index: number) {
  const random = Random.for(seed, index);
  const id = String(index + 1).padStart(6, '0');
  const roll = random.next();
  const status: string =
    roll < 0.45
      ? 'paid'
      : roll < 0.6
        ? 'sent'
        : roll < 0.7
          ? 'open'
          : roll < 0.8
            ? 'draft'
            : roll < 0.88
              ? 'partially_paid'
              : roll < 0.94
                ? 'credited'
                : 'cancelled';
  const created = random.instant(FROM, TO);
  const sent = new Date(created.getTime() + random.int(0, 3) * 86_400_000);
  const lines = Array.from({ length: random.int(1, 8) }, (_, line) => {
    const quantity = random.int(1, 120);
    const cents = random.int(25, 4500);
    return {
      id: `${id}-${line + 1}`,
      description: random.pick(DUTCH.services),
      quantity,
      [LINE_UNIT_PRICE]: formatCents(cents),
      period_start_at: laravelTimestamp(
        new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth(), 1)),
      ),
      period_end_at: laravelTimestamp(
        new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth() + 1, 1) - 1000),
      ),
      cents: quantity * cents,
    };
  });
  const excludingCents = lines.reduce((total, line) => total + line.cents, 0);
  const draft = status === 'draft';
  return {
    invoice: {
      id,
      number: draft ? null : `${sent.getUTCFullYear()}-${String(index + 1).padStart(4, '0')}`,
      reference: Array.from({ length: 9 }, () => String.fromCharCode(65 + random.int(0, 25))).join(''),
      status,
      [TOTAL_EXCLUDING_VAT]: formatCents(excludingCents),
      [TOTAL_INCLUDING_VAT]: formatCents(Math.round((excludingCents * 121) / 100)),
      due_at: draft ? null : new Date(sent.getTime() + 14 * 86_400_000).toISOString().slice(0, 10),
      sent_at: draft ? null : laravelTimestamp(sent),
      created_at: laravelTimestamp(created),
      updated_at: laravelTimestamp(sent),
    },
    lines: lines.map(({ cents: _cents, ...line }) => line),
  };
}

type SandboxInvoice = ReturnType<typeof generate>;

const TOKEN = 'sandbox-packcloud-token';
const ORGANIZATION = 'sandbox-org';

/** Leaving draft issues a number and a sent date. */
function withStatus({ invoice, lines }: SandboxInvoice, status: string, now: Date): SandboxInvoice {
  return {
    lines,
    invoice: {
      ...invoice,
      status,
      number:
        invoice.number ?? (status === 'draft' ? null : `${now.getUTCFullYear()}-${invoice.id.slice(-4)}`),
      sent_at: invoice.sent_at ?? (status === 'draft' ? null : laravelTimestamp(now)),
      updated_at: laravelTimestamp(now),
    },
  };
}

const MESSAGES: Record<number, string> = {
  401: 'Unauthenticated.',
  403: 'This action is unauthorized.',
  404: 'Not Found.',
  429: 'Too Many Attempts.',
};

/** One page of a collection, with links that carry the page size forward. */
function page<T>(
  request: SandboxRequest,
  count: number,
  sliceOf: (start: number, end: number) => T[],
  link: { origin: string; path: string; defaultPerPage: number },
) {
  const perPage = boundedInteger(request.query.get('per_page'), 1, MAX_PER_PAGE, link.defaultPerPage);
  const pageNumber = boundedInteger(request.query.get('page'), 1, Number.MAX_SAFE_INTEGER, 1);
  const start = (pageNumber - 1) * perPage;
  const to = (target: number) => `${link.origin}${link.path}?page=${target}&per_page=${perPage}`;
  return json(200, {
    [PAGE_ITEMS]: sliceOf(start, start + perPage),
    prev: pageNumber > 1 ? to(pageNumber - 1) : null,
    next: start + perPage < count ? to(pageNumber + 1) : null,
    per_page: perPage,
  });
}

export function createPackcloudSandbox(options: PackcloudSandboxOptions = {}): SandboxApp {
  const seed = options.seed ?? 1;
  const token = options.token ?? TOKEN;
  const organizationId = options.organizationId ?? ORGANIZATION;
  const book = new InvoiceBook<SandboxInvoice>(
    options.size ?? 300,
    (index) => generate(seed, index),
    (index) => String(index + 1).padStart(6, '0'),
  );
  const invoicesPath = (request: SandboxRequest) =>
    `${new URL(request.baseUrl).pathname.replace(/\/$/, '')}/v1/organizations/${organizationId}/billing/invoices`;
  const origin = (request: SandboxRequest) => options.linkOrigin ?? new URL(request.baseUrl).origin;

  return createSandboxApp<SandboxInvoice>({
    provider: 'packcloud',
    book,
    statuses: STATUSES,
    withStatus,
    summary: ({ invoice }) => ({ remoteId: invoice.id, orderId: null, status: invoice.status }),
    authenticate: (request) => {
      if (bearerToken(request) !== token) return 401;
      return request.path.startsWith(`/v1/organizations/${organizationId}/`) ? null : 403;
    },
    errorResponse: (status) => json(status, { message: MESSAGES[status] ?? 'Server Error' }),
    ...(options.stateFile === undefined ? {} : { persistence: { stateFile: options.stateFile, seed } }),
    routes: [
      {
        method: 'GET',
        path: '/v1/organizations/:organization/billing/invoices',
        handle: (request) =>
          page(request, book.count, (start, end) => book.slice(start, end).map((record) => record.invoice), {
            origin: origin(request),
            path: invoicesPath(request),
            defaultPerPage: DEFAULT_PER_PAGE,
          }),
      },
      {
        method: 'GET',
        path: '/v1/organizations/:organization/billing/invoices/:id',
        handle: (_request, params) => {
          const record = book.find(params.id ?? '');
          return record === undefined ? json(404, { message: MESSAGES[404] }) : json(200, record.invoice);
        },
      },
      {
        method: 'GET',
        path: '/v1/organizations/:organization/billing/invoices/:id/lines',
        handle: (request, params) => {
          const record = book.find(params.id ?? '');
          if (record === undefined) return json(404, { message: MESSAGES[404] });
          return page(request, record.lines.length, (start, end) => record.lines.slice(start, end), {
            origin: origin(request),
            path: `${invoicesPath(request)}/${record.invoice.id}/lines`,
            defaultPerPage: LINES_PER_PAGE,
          });
        },
      },
    ],
  });
}

export const packcloudSandbox: Sandbox = {
  provider: 'packcloud',
  create: createPackcloudSandbox,
  connection: { token: TOKEN, options: { organizationId: ORGANIZATION } },
  statusExample: (status) => {
    const { invoice } = withStatus(generate(1, 0), status, new Date('2025-01-01T00:00:00Z'));
    return {
      operation: 'list',
      body: JSON.stringify({ [PAGE_ITEMS]: [invoice], prev: null, next: null, per_page: DEFAULT_PER_PAGE }),
    };
  },
  largeResponse: (count, format) => {
    if (format !== 'json') return null;
    const invoices = Array.from({ length: count }, (_, index) => generate(1, index).invoice);
    return {
      operation: 'list',
      bodies: [JSON.stringify({ [PAGE_ITEMS]: invoices, prev: null, next: null, per_page: count })],
    };
  },
};
