import { Random, VIETNAMESE } from '../../sandbox/fake-data.ts';
import { InvoiceBook } from '../../sandbox/invoice-book.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/sandbox.ts';
import {
  bearerToken,
  createSandboxApp,
  json,
  type SandboxApp,
  type SandboxResponse,
} from '../../sandbox/sandbox-app.ts';

/**
 * vn-einvoice as its docs describe it: `POST /v2/ob/invoices/{uuid}` with a bearer token, answering
 * one invoice as JSON; 401 "Not Authorized" without a valid token, 403 "Not Allowed" for a token
 * without invoice access (`restrictedToken`), 404 for an unknown id. There is no list endpoint:
 * `GET <sandbox>/invoices` (the sandbox's control route) shows ids to look up.
 */

export interface VnEinvoiceSandboxOptions extends SandboxOptions {
  /** @default "sandbox-vn-einvoice-token" */
  token?: string;
  /** A known token without invoice access. @default "sandbox-vn-einvoice-restricted" */
  restrictedToken?: string;
}

const STATUSES = [
  'NOT_SUBMITTED',
  'SUBMITTED',
  'SUCCESS',
  'ERROR',
  'ACCEPTED',
  'REJECTED',
  'CANCELED',
] as const;
const RATES = [
  ['ZERO', 0],
  ['FIVE', 5],
  ['EIGHT', 8],
  ['TEN', 10],
  ['NONE', 0],
] as const;
const FROM = new Date('2023-01-01T00:00:00Z');
const TO = new Date('2025-12-31T00:00:00Z');

function idAt(seed: number, index: number): string {
  return Random.for(seed, index).uuid();
}

function generate(seed: number, index: number) {
  const random = Random.for(seed, index);
  const id = random.uuid();
  const roll = random.next();
  const status =
    roll < 0.55
      ? 'ACCEPTED'
      : roll < 0.7
        ? 'SUCCESS'
        : roll < 0.8
          ? 'SUBMITTED'
          : roll < 0.88
            ? 'NOT_SUBMITTED'
            : roll < 0.93
              ? 'ERROR'
              : roll < 0.97
                ? 'CANCELED'
                : 'REJECTED';
  const person = `${random.pick(VIETNAMESE.family)} ${random.pick(VIETNAMESE.middle)} ${random.pick(VIETNAMESE.given)}`;
  const company = random.chance(0.6);
  const created = random.instant(FROM, TO);
  const issued = new Date(created.getTime() + random.int(0, 3) * 86_400_000);
  const byVat: Record<string, number> = {};
  const taxByVat: Record<string, number> = {};
  let subtotal = 0;
  let vat = 0;
  const lines = Array.from({ length: random.int(1, 4) }, () => {
    // VND has no minor unit: prices are whole dong, multiples of 1,000.
    const price = random.int(5, 2000) * 1000;
    const quantity = random.int(1, 20);
    const discount = random.chance(0.2) ? random.int(1, 5) * 1000 : 0;
    const [rate, percent] = random.pick(RATES);
    const amount = price * quantity - discount;
    const tax = Math.round((amount * percent) / 100);
    byVat[rate] = (byVat[rate] ?? 0) + amount;
    taxByVat[rate] = (taxByVat[rate] ?? 0) + tax;
    subtotal += amount;
    vat += tax;
    return {
      code: `SP${random.digits(5)}`,
      name: random.pick(VIETNAMESE.products),
      unit: random.pick(VIETNAMESE.units),
      price,
      quantity,
      tax_amount: tax,
      vat_rate: rate,
      amount,
      discount_amount: discount,
      promoted: random.chance(0.05),
    };
  });
  const year = String(issued.getUTCFullYear()).slice(2);
  const serial = `C${year}T${random.pick(['AA', 'AB', 'BK', 'MV'])}`;
  const number = String(index + 1).padStart(7, '0');
  const reachedAuthority = status === 'SUCCESS' || status === 'ACCEPTED';
  return {
    authority_status: status as string,
    id,
    consumer: {
      code: `KH${random.digits(6)}`,
      name: company ? random.pick(VIETNAMESE.companies) : person,
      tax_code: company ? random.digits(10) : '',
      address: `${random.int(1, 300)} ${random.pick(VIETNAMESE.streets)}, ${random.pick(VIETNAMESE.cities)}`,
      citizen_identification: company ? '' : random.digits(12),
      phone: `09${random.digits(8)}`,
      buyer_name: person,
      bank_account: random.chance(0.5) ? `${random.digits(13)} - Vietcombank` : '',
    },
    code: random.hex(10).toUpperCase(),
    created_date: created.toISOString().replace('.000', ''),
    serial_number: serial,
    date_of_issue: issued.toISOString().replace('.000', ''),
    invoice_lines: lines,
    invoice_amount: {
      amount_by_vat: byVat,
      tax_amount_by_vat: taxByVat,
      vat_amount: vat,
      subtotal,
      total: subtotal + vat,
    },
    updated_date: issued.toISOString().replace('.000', ''),
    has_tax_authorities: reachedAuthority,
    tax_code_issued: reachedAuthority ? random.hex(34).toUpperCase() : '',
    full_symbol: `1${serial}-${number}`,
    payment_method: random.pick(['CASH', 'BANK_TRANSFER', 'UNKNOWN']),
  };
}

type SandboxInvoice = ReturnType<typeof generate>;

const TOKEN = 'sandbox-vn-einvoice-token';

function withStatus(record: SandboxInvoice, status: string, now: Date): SandboxInvoice {
  return { ...record, authority_status: status, updated_date: now.toISOString().replace(/\.\d{3}/, '') };
}

function text(status: number, body: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

const ERRORS: Record<number, string> = { 401: 'Not Authorized', 403: 'Not Allowed', 404: 'Not Found' };

export function createVnEinvoiceSandbox(options: VnEinvoiceSandboxOptions = {}): SandboxApp {
  const seed = options.seed ?? 1;
  const token = options.token ?? TOKEN;
  const restricted = options.restrictedToken ?? 'sandbox-vn-einvoice-restricted';
  const book = new InvoiceBook<SandboxInvoice>(
    options.size ?? 300,
    (index) => generate(seed, index),
    (index) => idAt(seed, index),
  );
  return createSandboxApp<SandboxInvoice>({
    provider: 'vn-einvoice',
    book,
    statuses: STATUSES,
    withStatus,
    summary: (record) => ({ remoteId: record.id, orderId: null, status: record.authority_status }),
    authenticate: (request) => {
      const presented = bearerToken(request);
      if (presented === restricted) return 403;
      return presented === token ? null : 401;
    },
    errorResponse: (status) => text(status, ERRORS[status] ?? 'Internal Server Error'),
    ...(options.stateFile === undefined ? {} : { persistence: { stateFile: options.stateFile, seed } }),
    routes: [
      {
        method: 'POST',
        path: '/v2/ob/invoices/:id',
        handle: (_request, params) => {
          const record = book.find((params.id ?? '').toLowerCase());
          return record === undefined ? text(404, 'Not Found') : json(200, record);
        },
      },
    ],
  });
}

export const vnEinvoiceSandbox: Sandbox = {
  provider: 'vn-einvoice',
  create: createVnEinvoiceSandbox,
  connection: { token: TOKEN, options: {} },
  statusExample: (status) => ({
    operation: 'get',
    body: JSON.stringify(withStatus(generate(1, 0), status, new Date('2025-01-01T00:00:00Z'))),
  }),
  // No list: one body per invoice.
  largeResponse: (count, format) =>
    format === 'json'
      ? {
          operation: 'get',
          bodies: Array.from({ length: count }, (_, index) => JSON.stringify(generate(1, index))),
        }
      : null,
};
