import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import { ordersApi } from '../../../shared/providers/orders-api/adapter.ts';
import { exactNumberText, parseJsonExact } from '../../../shared/wire/json.ts';
import { contextFor } from '../../support/contexts.ts';

const record = (id: string, incl: string, excl: string) =>
  `{"Id": ${id}, "InvoiceCode": "X", "OrderId": 3, "InvoiceDate": null, "InvoiceTotalIncVat": ${incl}, "InvoiceTotalExVat": ${excl}, "CurrencyCode": "EUR", "Deleted": false, "MainStatusId": 1}`;

function normalize(body: string) {
  return ordersApi.normalizeBody('order-invoices', body, 'application/json', contextFor('orders-api'));
}

describe('JSON numbers', () => {
  test('money given as JSON numbers is exact', () => {
    const [invoice] = normalize(`[${record('1', '36.3', '30')}]`).invoices;
    expect(invoice).toMatchObject({ total: '36.3', subtotal: '30', tax: '6.3' });
  });

  test('integer ids beyond 2^53 keep every digit (the exact parser takes over)', () => {
    const [invoice] = normalize(`[${record('12345678901234567891', '1', '1')}]`).invoices;
    expect(invoice?.remoteId).toBe('12345678901234567891');
  });

  test('amounts with more digits than a double holds keep every digit', () => {
    const [invoice] = normalize(`[${record('1', '1234567890123.456789', '0.000000000000000001')}]`).invoices;
    expect(invoice?.total).toBe('1234567890123.456789');
    expect(invoice?.subtotal).toBe('0.000000000000000001');
  });

  test('the fast path only trusts numbers a double holds exactly', () => {
    expect(exactNumberText(36.3)).toBe('36.3');
    expect(exactNumberText(9007199254740991)).toBe('9007199254740991');
    expect(exactNumberText(2 ** 53 + 2)).toBeNull();
    expect(exactNumberText(0.1 + 0.2)).toBeNull();
  });

  test('the exact parser keeps numbers as their source text', () => {
    expect(parseJsonExact('{"a": 7e10, "b": [1.50, -0]}')).toEqual({ a: '7e10', b: ['1.50', '-0'] });
  });

  test('invalid JSON is a malformed body whose detail does not echo the body', () => {
    let caught: unknown;
    try {
      normalize('[{"Id": "secret-customer-name"');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedResponse);
    expect((caught as MalformedResponse).detail).toBe('body is not valid JSON');
  });

  test('a record that breaks the schema is quarantined by field, never by value', () => {
    const page = normalize(`[${record('1', '1', '1')}, ${record('2', '"Jonas Jonaitis"', '1')}]`);
    expect(page.invoices.map((invoice) => invoice.remoteId)).toEqual(['1']);
    expect(page.quarantined).toEqual([
      { position: 'body[1]', remoteId: '2', reason: 'InvoiceTotalIncVat: must be a decimal number' },
    ]);
    expect(JSON.stringify(page.quarantined)).not.toContain('Jonas');
  });

  test('the exact-number fallback works per record, beside a quarantined one', () => {
    const page = normalize(
      `[${record('12345678901234567891', '1.000000000000000001', '1')}, ${record('3', '1e400', '1')}]`,
    );
    expect(page.invoices).toMatchObject([
      { remoteId: '12345678901234567891', total: '1.000000000000000001' },
    ]);
    expect(page.quarantined).toEqual([
      { position: 'body[1]', remoteId: '3', reason: 'InvoiceTotalIncVat: must be a decimal number' },
    ]);
  });
});

describe('exact number text', () => {
  test('is what String prints for every number a double holds exactly, and null otherwise', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .integer({ min: -1e9, max: 1e9 })
            .chain((units) => fc.integer({ min: 0, max: 8 }).map((digits) => units / 10 ** digits)),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        (value) => {
          const text = String(value);
          const digits = text.replace(/^-/, '').split(/e/i)[0]?.replace('.', '').replace(/^0+/, '') ?? '';
          const exact = Number.isInteger(value) ? Number.isSafeInteger(value) : digits.length <= 15;
          expect(exactNumberText(value)).toBe(exact ? text : null);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
