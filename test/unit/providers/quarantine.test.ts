import { describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import type { BodyOperation, NormalizationContext } from '../../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * One bad record is skipped and reported, never fatal to its page: each list-shaped body below
 * holds good records around a poisoned one, and the page must keep the good ones in order.
 */

function caughtSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}

function normalize(
  provider: ProviderId,
  operation: BodyOperation,
  body: unknown,
  context: Partial<NormalizationContext> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return PROVIDERS[provider].normalizeBody(operation, text, null, contextFor(provider, context));
}

const carbonextInvoice = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  status: 'Paid',
  totalPrice: 10,
  currency: 'BRL',
  orders: [],
  ...fields,
});
const carbonextPage = (items: unknown[]) => ({ items, pageIndex: 1, hasNextPage: false });

describe('poison records are quarantined, not fatal', () => {
  test('carbonext: totalPrice 1e400 (Infinity once parsed) skips that record only', () => {
    const body = `{"items": [${JSON.stringify(carbonextInvoice('a'))}, {"id": "b", "status": "Paid", "totalPrice": 1e400, "orders": []}, ${JSON.stringify(carbonextInvoice('c'))}], "pageIndex": 1, "hasNextPage": false}`;
    const page = normalize('carbonext', 'list', body);
    expect(page.invoices.map((invoice) => invoice.remoteId)).toEqual(['a', 'c']);
    expect(page.quarantined).toEqual([
      { position: 'items[1]', remoteId: 'b', reason: 'totalPrice: must be a decimal number or null' },
    ]);
  });

  test('a field the schema accepts but normalization refuses (30 February) quarantines the record', () => {
    const bad = carbonextInvoice('b', {
      orders: [{ id: 'o', vcuAmount: 1, vcuUnitPrice: 1, createdAt: '30/02/2020 10:00:00' }],
    });
    const page = normalize('carbonext', 'list', carbonextPage([carbonextInvoice('a'), bad]));
    expect(page.invoices.map((invoice) => invoice.remoteId)).toEqual(['a']);
    expect(page.quarantined).toEqual([
      { position: 'items[1]', remoteId: 'b', reason: 'orders[0].createdAt: not a day-first date-time' },
    ]);
  });

  test('the reason names fields, never values; an unreadable or odd-shaped id is reported as null', () => {
    const secret = 'Maria da Silva, CPF 123.456.789-00';
    const page = normalize(
      'carbonext',
      'list',
      carbonextPage([
        carbonextInvoice('a'),
        { id: { name: secret }, status: secret, orders: [] },
        carbonextInvoice('has spaces and / slashes', { currency: 42 }),
        secret,
      ]),
    );
    expect(page.invoices.map((invoice) => invoice.remoteId)).toEqual(['a']);
    expect(page.quarantined).toEqual([
      { position: 'items[1]', remoteId: null, reason: 'id: must be a non-empty string or a number' },
      { position: 'items[2]', remoteId: null, reason: 'currency: must be a string or null' },
      { position: 'items[3]', remoteId: null, reason: expect.stringMatching(/^record: .*object/) },
    ]);
    expect(JSON.stringify(page.quarantined)).not.toContain('Maria');
  });

  test('pretendentas (JSON and XML): a record with a bad timestamp is skipped, the others stay', () => {
    const invoice = (id: string, createdAt: string) => ({ id, created_at: createdAt, status: 'PAID' });
    const json = normalize('pretendentas', 'list', {
      success: true,
      message: '',
      items: { invoice: [invoice('a', '2024-01-15 10:00:00'), invoice('b', 'yesterday')] },
    });
    const xml = normalize(
      'pretendentas',
      'list',
      '<response><success>true</success><message/><items><invoice><id>a</id><created_at>2024-01-15 10:00:00</created_at><status>PAID</status></invoice><invoice><id>b</id><created_at>yesterday</created_at><status>PAID</status></invoice></items></response>',
    );
    for (const page of [json, xml]) {
      expect(page.invoices.map((i) => i.remoteId)).toEqual(['a']);
      expect(page.quarantined).toEqual([
        { position: 'items.invoice[1]', remoteId: 'b', reason: 'created_at: not a year-first date-time' },
      ]);
    }
  });

  test('packcloud: a record with a list where an amount belongs is skipped', () => {
    const page = normalize('packcloud', 'list', {
      data: [
        { id: '000001', status: 'paid', total_excl_vat: [1, 2] },
        { id: '000002', status: 'paid' },
      ],
      prev: null,
      next: null,
    });
    expect(page.invoices.map((i) => i.remoteId)).toEqual(['000002']);
    expect(page.quarantined).toEqual([
      { position: 'data[0]', remoteId: '000001', reason: 'total_excl_vat: must be a decimal number or null' },
    ]);
  });

  test('a list inside a record is reported at the item that is wrong', () => {
    const page = normalize(
      'carbonext',
      'list',
      carbonextPage([carbonextInvoice('a', { orders: [{ id: 'o1' }, { id: 'o2', createdAt: 7 }] })]),
    );
    expect(page.quarantined).toEqual([
      { position: 'items[0]', remoteId: 'a', reason: 'orders[1].createdAt: must be a string or null' },
    ]);
  });
});

describe('what still fails the whole response', () => {
  test.each([
    ['not JSON', '{"items": [', 'body is not valid JSON'],
    ['no paging flag', { items: [] }, 'body.hasNextPage: must be true or false'],
    [
      'a list that is no list',
      { items: 'lots', hasNextPage: false },
      'body.items: must be a list of records',
    ],
    [
      'no page index to go on from',
      { items: [], hasNextPage: true },
      'body.pageIndex: needed to reach the next page',
    ],
  ])('a malformed envelope (%s)', (_name, body, detail) => {
    const error = caughtSync(() => normalize('carbonext', 'list', body));
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe(detail);
  });

  test('a single-invoice body with a bad record is a MalformedResponse naming the field', () => {
    const error = caughtSync(() =>
      normalize('carbonext', 'get', `{"id": "x", "status": "Paid", "totalPrice": 1e400, "orders": []}`),
    );
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe('body.totalPrice: must be a decimal number or null');
  });

  test('a timestamp a single-invoice body cannot use names its path below the body', () => {
    const error = caughtSync(() =>
      normalize(
        'carbonext',
        'get',
        carbonextInvoice('x', { orders: [{ id: 'o', createdAt: '99/99/2020' }] }),
      ),
    );
    expect((error as MalformedResponse).detail).toBe('body.orders[0].createdAt: not a day-first date-time');
  });
});

describe('absurd pages are refused before any record is read', () => {
  const many = (count: number) => Array.from({ length: count }, (_, index) => carbonextInvoice(`i${index}`));

  test('more records than the connection allows is a MalformedResponse for the page', () => {
    expect(normalize('carbonext', 'list', carbonextPage(many(3)), { maxRecords: 3 }).invoices).toHaveLength(
      3,
    );
    const error = caughtSync(() => normalize('carbonext', 'list', carbonextPage(many(4)), { maxRecords: 3 }));
    expect(error).toBeInstanceOf(MalformedResponse);
    expect((error as MalformedResponse).detail).toBe(
      'items: 4 records, more than the 3 one response may hold',
    );
  });

  test('by default a paged provider allows 10,000 records, a whole-list provider 100,000', () => {
    const error = caughtSync(() => normalize('carbonext', 'list', carbonextPage(many(10_001))));
    expect((error as MalformedResponse).detail).toMatch(/10001 records, more than the 10000/);
    const invoice = { id: 'x', created_at: '2024-01-15 10:00:00', status: 'PAID' };
    const whole = { success: true, message: '', items: { invoice: Array(10_001).fill(invoice) } };
    expect(normalize('pretendentas', 'list', whole).invoices).toHaveLength(10_001);
  });

  test('records are counted, not read: even bad ones count toward the limit', () => {
    const error = caughtSync(() =>
      normalize('orders-api', 'order-invoices', ['x', 'y', 'z'], { maxRecords: 2 }),
    );
    expect((error as MalformedResponse).detail).toBe(
      'body: 3 records, more than the 2 one response may hold',
    );
  });
});
