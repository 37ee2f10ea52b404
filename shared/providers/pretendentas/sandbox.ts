import { minimalPdf, toXml } from '../../sandbox/bodies.ts';
import { Random, wallClock } from '../../sandbox/fake-data.ts';
import { InvoiceBook } from '../../sandbox/invoice-book.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/sandbox.ts';
import {
  createSandboxApp,
  json,
  type SandboxApp,
  type SandboxRequest,
  type SandboxResponse,
  wantsXml,
} from '../../sandbox/sandbox-app.ts';

/**
 * pretendentas as its docs describe it: `GET /v1/invoices?api_key=…` answering the whole list
 * in a `success`/`message` envelope, JSON or XML by `Accept`, and `GET /v1/invoices/{id}/download`
 * for the PDF. A wrong key is a 401 with `success: false` (the envelope is the provider's error
 * format). Times are Lithuanian wall-clock without zone, numbers keep leading zeros.
 */

export interface PretendentasSandboxOptions extends SandboxOptions {
  /** @default "sandbox-pretendentas-key" */
  apiKey?: string;
}

const API_KEY = 'sandbox-pretendentas-key';

interface SandboxInvoice {
  id: string;
  orderIndex: number;
  order_id: string;
  inv_series: string | null;
  inv_nr: string | null;
  res_series: string;
  res_nr: string;
  created_at: string;
  status: string;
}

const STATUSES = ['PAID', 'PARTIALLY_PAID', 'UNPAID'] as const;
const FROM = new Date('2023-01-01T00:00:00Z');
const TO = new Date('2025-12-31T00:00:00Z');

function invoiceIdAt(seed: number, index: number): string {
  return Random.for(seed, index).hex(32);
}

/** Every seventh invoice belongs to the same order as the one before (a reservation and a second bill). */
function orderIndexOf(index: number): number {
  return index % 7 === 6 ? index - 1 : index;
}

function generate(seed: number, index: number): SandboxInvoice {
  const random = Random.for(seed, index);
  const id = random.hex(32);
  const orderIndex = orderIndexOf(index);
  const roll = random.next();
  const status = roll < 0.5 ? 'PAID' : roll < 0.6 ? 'PARTIALLY_PAID' : 'UNPAID';
  const confirmed = status !== 'UNPAID' || random.chance(0.5);
  const number = String(index + 1).padStart(5, '0');
  return {
    id,
    orderIndex,
    order_id: Random.for(seed ^ 0x5eed, orderIndex).hex(32),
    inv_series: confirmed ? 'PRT' : null,
    inv_nr: confirmed ? number : null,
    res_series: 'REZ',
    res_nr: number,
    created_at: wallClock(random.instant(FROM, TO), 0).replace('T', ' '),
    status,
  };
}

function withStatus(record: SandboxInvoice, status: string): SandboxInvoice {
  return {
    ...record,
    status,
    // Paying confirms the order, which issues the invoice number.
    inv_series: record.inv_series ?? (status === 'UNPAID' ? null : 'PRT'),
    inv_nr: record.inv_nr ?? (status === 'UNPAID' ? null : record.res_nr),
  };
}

function wire(record: SandboxInvoice, baseUrl: string) {
  return {
    id: record.id,
    order_id: record.order_id,
    inv_series: record.inv_series,
    inv_nr: record.inv_nr,
    res_series: record.res_series,
    res_nr: record.res_nr,
    created_at: record.created_at,
    status: record.status,
    link_pdf: `${baseUrl}/v1/invoices/${record.id}/download`,
    link_order: `${baseUrl}/v1/orders/${record.order_id}`,
  };
}

type Envelope = { success: boolean; message: string; items?: unknown };

function envelope(request: SandboxRequest, status: number, body: Envelope) {
  if (wantsXml(request)) {
    return {
      status,
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: toXml({ response: body }),
    };
  }
  return json(status, body);
}

const MESSAGES: Record<number, string> = {
  401: 'Neteisingas API raktas',
  404: 'Nerasta',
  429: 'Per daug užklausų',
};

export function createPretendentasSandbox(options: PretendentasSandboxOptions = {}): SandboxApp {
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? API_KEY;
  const book = new InvoiceBook(
    options.size ?? 300,
    (index) => generate(seed, index),
    (index) => invoiceIdAt(seed, index),
  );

  return createSandboxApp<SandboxInvoice>({
    provider: 'pretendentas',
    book,
    statuses: STATUSES,
    withStatus,
    summary: (record) => ({ remoteId: record.id, orderId: record.order_id, status: record.status }),
    authenticate: (request) => (request.query.get('api_key') === apiKey ? null : 401),
    errorResponse: (status): SandboxResponse =>
      json(status, { success: false, message: MESSAGES[status] ?? 'Vidinė serverio klaida' }),
    ...(options.stateFile === undefined ? {} : { persistence: { stateFile: options.stateFile, seed } }),
    routes: [
      {
        method: 'GET',
        path: '/v1/invoices',
        handle: (request) => {
          const invoice = book.slice(0, book.size).map((record) => wire(record, request.baseUrl));
          return envelope(request, 200, { success: true, message: '', items: { invoice } });
        },
      },
      {
        method: 'GET',
        path: '/v1/invoices/:id/download',
        handle: (request, params) => {
          const record = book.find(params.id ?? '');
          if (record === undefined)
            return envelope(request, 404, { success: false, message: MESSAGES[404] ?? '' });
          const title = `${record.inv_series ?? record.res_series}${record.inv_nr ?? record.res_nr}`;
          return {
            status: 200,
            headers: { 'content-type': 'application/pdf' },
            body: minimalPdf(`Saskaita ${title}`),
          };
        },
      },
    ],
  });
}

export const pretendentasSandbox: Sandbox = {
  provider: 'pretendentas',
  create: createPretendentasSandbox,
  connection: { token: API_KEY, options: { format: 'json' } },
  statusExample: (status) => ({
    operation: 'list',
    body: JSON.stringify({
      success: true,
      message: '',
      items: { invoice: [wire(withStatus(generate(1, 0), status), 'https://sandbox.example')] },
    }),
  }),
  largeResponse: (count, format) => {
    const invoice = Array.from({ length: count }, (_, index) =>
      wire(generate(1, index), 'https://sandbox.example'),
    );
    const body: Envelope = { success: true, message: '', items: { invoice } };
    return {
      operation: 'list',
      bodies: [format === 'json' ? JSON.stringify(body) : toXml({ response: body })],
    };
  },
};
