import { describe, expect, test } from 'vitest';
import type { InvoiceStatus } from '../../../shared/invoice/invoice.ts';
import type { NormalizationContext } from '../../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * Every row of every status table from the issue, through each adapter's real normalization of a
 * body carrying that status. The rows are written out here, not read from the adapters, so that
 * a wrong table fails.
 */

type BodyWith = (status: string) => { operation: 'list' | 'get' | 'order-invoices'; body: string };

const bodies: Record<ProviderId, BodyWith> = {
  pretendentas: (status) => ({
    operation: 'list',
    body: JSON.stringify({
      success: true,
      message: '',
      items: { invoice: [{ id: 'x', order_id: 'o', created_at: '2020-01-01 00:00:00', status }] },
    }),
  }),
  'vn-einvoice': (status) => ({
    operation: 'get',
    body: JSON.stringify({
      authority_status: status,
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      invoice_lines: [],
    }),
  }),
  'orders-api': (status) => ({
    operation: 'order-invoices',
    body: JSON.stringify([
      {
        Id: 1,
        OrderId: 2,
        InvoiceTotalIncVat: 1,
        InvoiceTotalExVat: 1,
        Deleted: false,
        MainStatusId: Number(status),
      },
    ]),
  }),
  packcloud: (status) => ({
    operation: 'list',
    body: JSON.stringify({ data: [{ id: '1', status }], prev: null, next: null, per_page: 25 }),
  }),
  carbonext: (status) => ({
    operation: 'get',
    body: JSON.stringify({ id: 'x', status, totalPrice: 1, currency: 'BRL', orders: [] }),
  }),
};

function normalizeStatus(provider: ProviderId, status: string, context: Partial<NormalizationContext> = {}) {
  const { operation, body } = bodies[provider](status);
  const [invoice] = PROVIDERS[provider].normalizeBody(
    operation,
    body,
    'application/json',
    contextFor(provider, context),
  ).invoices;
  return { status: invoice?.status, providerStatus: invoice?.providerStatus };
}

const tables: Array<[ProviderId, string, InvoiceStatus]> = [
  ['pretendentas', 'PAID', 'PAID'],
  ['pretendentas', 'PARTIALLY_PAID', 'PARTIALLY_PAID'],
  ['pretendentas', 'UNPAID', 'OPEN'],
  ['vn-einvoice', 'NOT_SUBMITTED', 'DRAFT'],
  ['vn-einvoice', 'ERROR', 'DRAFT'],
  ['vn-einvoice', 'SUBMITTED', 'OPEN'],
  ['vn-einvoice', 'SUCCESS', 'OPEN'],
  ['vn-einvoice', 'ACCEPTED', 'OPEN'],
  ['vn-einvoice', 'REJECTED', 'VOID'],
  ['vn-einvoice', 'CANCELED', 'VOID'],
  ['packcloud', 'paid', 'PAID'],
  ['packcloud', 'Paid', 'PAID'],
  ['packcloud', 'PAID', 'PAID'],
  ['packcloud', 'open', 'OPEN'],
  ['packcloud', 'sent', 'OPEN'],
  ['packcloud', 'unpaid', 'OPEN'],
  ['packcloud', 'Pending', 'OPEN'],
  ['packcloud', 'draft', 'DRAFT'],
  ['packcloud', 'Concept', 'DRAFT'],
  ['packcloud', 'partially_paid', 'PARTIALLY_PAID'],
  ['packcloud', 'void', 'VOID'],
  ['packcloud', 'cancelled', 'VOID'],
  ['packcloud', 'Canceled', 'VOID'],
  ['packcloud', 'CREDITED', 'VOID'],
  ['carbonext', 'Pending', 'OPEN'],
  ['carbonext', 'Paid', 'PAID'],
  ['carbonext', 'Canceled', 'VOID'],
  ['carbonext', 'Cancelled', 'VOID'],
];

describe('status tables', () => {
  test.each(tables)('%s: %s is %s, and the provider value is kept verbatim', (provider, value, expected) => {
    expect(normalizeStatus(provider, value)).toEqual({ status: expected, providerStatus: value });
  });

  test.each(['pretendentas', 'vn-einvoice', 'packcloud', 'carbonext'] as const)(
    '%s: an unmapped status is UNKNOWN with the raw value kept, never an error',
    (provider) => {
      expect(normalizeStatus(provider, 'SOMETHING_NEW')).toEqual({
        status: 'UNKNOWN',
        providerStatus: 'SOMETHING_NEW',
      });
    },
  );

  test('a connection override wins over the provider table', () => {
    expect(normalizeStatus('pretendentas', 'UNPAID', { statusMap: { UNPAID: 'DRAFT' } }).status).toBe(
      'DRAFT',
    );
    expect(normalizeStatus('carbonext', 'Refunding', { statusMap: { refunding: 'VOID' } }).status).toBe(
      'VOID',
    );
  });

  test('orders-api: MainStatusId goes through the connection map; without one it is UNKNOWN with the id as text', () => {
    expect(normalizeStatus('orders-api', '3')).toEqual({ status: 'UNKNOWN', providerStatus: '3' });
    expect(normalizeStatus('orders-api', '3', { statusMap: { '3': 'PAID' } })).toEqual({
      status: 'PAID',
      providerStatus: '3',
    });
  });

  test('orders-api: Deleted=true is VOID whatever the status id and map say', () => {
    const body = JSON.stringify([
      { Id: 1, OrderId: 2, InvoiceTotalIncVat: 1, InvoiceTotalExVat: 1, Deleted: true, MainStatusId: 3 },
    ]);
    const [invoice] = PROVIDERS['orders-api'].normalizeBody(
      'order-invoices',
      body,
      'application/json',
      contextFor('orders-api', { statusMap: { '3': 'PAID' } }),
    ).invoices;
    expect(invoice?.status).toBe('VOID');
  });
});
