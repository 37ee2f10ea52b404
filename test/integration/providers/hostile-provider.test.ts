import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import { createHttpClient } from '../../../shared/http/http-client.ts';
import type { ProviderConnection } from '../../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { caught } from '../../support/caught.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * Adapters against a hostile provider on loopback: a real HTTP server answering each path with a
 * body written to hurt (poison records, absurd pages, records too deep or too large to carry).
 */

const bodies = new Map<string, { type: string; body: string }>();
let server: Server;
let baseUrl: URL;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://hostile.invalid').pathname;
    const answer = bodies.get(`${request.method} ${path}`);
    if (answer === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function serve(route: string, body: string, type = 'application/json') {
  bodies.set(route, { type, body });
}

function connect(
  provider: ProviderId,
  options: Record<string, unknown> = {},
  context: { includeRaw?: boolean; maxRecords?: number } = {},
): ProviderConnection {
  return {
    baseUrl,
    credentials: { token: 'hostile' },
    options,
    http: createHttpClient(provider, { retries: 0, timeoutMs: 10_000 }),
    context: contextFor(provider, { connection: provider, ...context }),
  };
}

const carbonextInvoice = (id: string) => `{"id": "${id}", "status": "Paid", "totalPrice": 10, "orders": []}`;
const DEEP = 100_000;

describe('a poison record at a hostile provider', () => {
  test('carbonext: the page holding totalPrice 1e400 gives its good invoices and reports the bad one', async () => {
    serve(
      'GET /v1/invoices',
      `{"items": [${carbonextInvoice('good-1')}, {"id": "poison", "status": "Paid", "totalPrice": 1e400, "orders": []}, ${carbonextInvoice('good-2')}], "pageIndex": 1, "hasNextPage": true}`,
    );
    const page = await PROVIDERS.carbonext.list?.(connect('carbonext'), { cursor: null, limit: 10 });
    expect(page?.invoices.map((invoice) => invoice.remoteId)).toEqual(['good-1', 'good-2']);
    expect(page?.quarantined).toEqual([
      { position: 'items[1]', remoteId: 'poison', reason: 'totalPrice: must be a decimal number or null' },
    ]);
    expect(page?.next).toBe('2');
  });

  test('carbonext: reading the poison record alone is a MalformedResponse (a 502 for the API)', async () => {
    serve('GET /v1/invoices/poison', '{"id": "poison", "status": "Paid", "totalPrice": 1e400, "orders": []}');
    const error = await caught(PROVIDERS.carbonext.get?.(connect('carbonext'), 'poison'));
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe('body.totalPrice: must be a decimal number or null');
  });

  test('orders-api (XML): the invoices of an order keep the good ones', async () => {
    const invoice = (id: string, total: string) =>
      `<InvoiceBase><Id>${id}</Id><OrderId>9</OrderId><InvoiceTotalIncVat>${total}</InvoiceTotalIncVat><InvoiceTotalExVat>1</InvoiceTotalExVat></InvoiceBase>`;
    serve(
      'GET /v1/Orders/9/Invoices',
      `<ArrayOfInvoiceBase>${invoice('1', '2')}${invoice('2', 'lots')}</ArrayOfInvoiceBase>`,
      'application/xml',
    );
    const found = await PROVIDERS['orders-api'].orderInvoices?.(
      connect('orders-api', { format: 'xml' }),
      '9',
    );
    expect(found?.invoices.map((invoice) => invoice.remoteId)).toEqual(['1']);
    expect(found?.quarantined).toEqual([
      { position: 'body[1]', remoteId: '2', reason: 'InvoiceTotalIncVat: must be a decimal number' },
    ]);
  });

  test('pretendentas: a bad record of an order is reported with the order’s good invoices', async () => {
    serve(
      'GET /v1/invoices',
      JSON.stringify({
        success: true,
        message: '',
        items: {
          invoice: [
            { id: 'a', order_id: 'o1', created_at: '2024-01-15 10:00:00', status: 'PAID' },
            { id: 'b', order_id: 'o1', created_at: '2024-02-30 10:00:00', status: 'PAID' },
            { id: 'c', order_id: 'o2', created_at: '2024-01-15 10:00:00', status: 'PAID' },
          ],
        },
      }),
    );
    const found = await PROVIDERS.pretendentas.orderInvoices?.(
      connect('pretendentas', { format: 'json' }),
      'o1',
    );
    expect(found?.invoices.map((invoice) => invoice.remoteId)).toEqual(['a']);
    expect(found?.quarantined).toEqual([
      { position: 'items.invoice[1]', remoteId: 'b', reason: 'created_at: not a year-first date-time' },
    ]);
    const error = await caught(
      PROVIDERS.pretendentas.get?.(connect('pretendentas', { format: 'json' }), 'b'),
    );
    expect((error as MalformedResponse).detail).toBe(
      'items.invoice[1].created_at: not a year-first date-time',
    );
  });
});

describe('an absurd page at a hostile provider', () => {
  test('packcloud answering 20,000 invoices to a page of 1 is a MalformedResponse; a connection may allow it', async () => {
    const data = Array.from({ length: 20_000 }, (_, index) => ({ id: String(index), status: 'paid' }));
    serve('GET /v1/organizations/org/billing/invoices', JSON.stringify({ data, prev: null, next: null }));
    const options = { organizationId: 'org' };
    const error = await caught(
      PROVIDERS.packcloud.list?.(connect('packcloud', options), { cursor: null, limit: 1 }),
    );
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe(
      'data: 20000 records, more than the 10000 one response may hold',
    );
    const allowed = await PROVIDERS.packcloud.list?.(connect('packcloud', options, { maxRecords: 20_000 }), {
      cursor: null,
      limit: 1,
    });
    expect(allowed?.invoices).toHaveLength(20_000);
  });
});

describe('records that cannot be carried as raw, at a hostile provider', () => {
  const deep = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;

  test('carbonext get with raw: 100,000 levels of JSON nesting is a MalformedResponse, without raw it works', async () => {
    serve('GET /v1/invoices/deep', `{"id": "deep", "status": "Paid", "orders": [], "extra": ${deep}}`);
    expect((await PROVIDERS.carbonext.get?.(connect('carbonext'), 'deep'))?.remoteId).toBe('deep');
    const error = await caught(
      PROVIDERS.carbonext.get?.(connect('carbonext', {}, { includeRaw: true }), 'deep'),
    );
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe(
      'body: cannot be carried as raw: nested deeper than 32 levels',
    );
  });

  test('carbonext get with raw: a 5 MB string is a MalformedResponse, without raw it works', async () => {
    serve(
      'GET /v1/invoices/huge',
      JSON.stringify({ id: 'huge', status: 'Paid', orders: [], note: 'x'.repeat(5 << 20) }),
    );
    expect((await PROVIDERS.carbonext.get?.(connect('carbonext'), 'huge'))?.remoteId).toBe('huge');
    const error = await caught(
      PROVIDERS.carbonext.get?.(connect('carbonext', {}, { includeRaw: true }), 'huge'),
    );
    expect((error as MalformedResponse).detail).toBe(
      'body: cannot be carried as raw: larger than 256 KiB as JSON',
    );
  });

  test('pretendentas XML nested 100,000 elements deep is a MalformedResponse for the whole answer', async () => {
    serve(
      'GET /v1/invoices',
      `<response><success>true</success><message/><items><invoice><id>x</id><status>PAID</status><extra>${'<n>'.repeat(DEEP)}${'</n>'.repeat(DEEP)}</extra></invoice></items></response>`,
      'application/xml',
    );
    const error = await caught(
      PROVIDERS.pretendentas.get?.(connect('pretendentas', { format: 'xml' }, { includeRaw: true }), 'x'),
    );
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe('elements nested deeper than 64 levels');
  });

  test('a record within bounds is carried as raw, as sent', async () => {
    serve(
      'GET /v1/invoices/fine',
      '{"id": "fine", "status": "Paid", "orders": [], "extra": {"a": [1, {"b": "c"}]}}',
    );
    const invoice = await PROVIDERS.carbonext.get?.(connect('carbonext', {}, { includeRaw: true }), 'fine');
    expect(invoice?.raw).toEqual({ id: 'fine', status: 'Paid', orders: [], extra: { a: [1, { b: 'c' }] } });
  });
});
