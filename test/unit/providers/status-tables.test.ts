import { describe, expect, test } from 'vitest';
import type { InvoiceStatus } from '../../../shared/invoice/invoice.ts';
import type { NormalizationContext } from '../../../shared/providers/provider.ts';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { PROVIDER_SANDBOXES } from '../../../shared/sandbox/sandbox-registry.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * Every row of every status table from the issue, through each adapter's real normalization of a
 * body its own sandbox writes carrying that status (`statusExample` in the provider's folder). The
 * rows are written out here, not read from the adapters, so that a wrong table fails; and every
 * value of every adapter's table must have a row, so that a new provider or status cannot go
 * untested.
 */

function normalizeStatus(provider: ProviderId, status: string, context: Partial<NormalizationContext> = {}) {
  const { operation, body } = PROVIDER_SANDBOXES[provider].statusExample(status);
  const page = PROVIDERS[provider].normalizeBody(
    operation,
    body,
    'application/json',
    contextFor(provider, context),
  );
  expect(page.quarantined).toEqual([]);
  const [invoice] = page.invoices;
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
  test.each(PROVIDER_IDS)('%s: every value of its table has a row here', (provider) => {
    // Tables match regardless of case, so a row in another case covers the value.
    const rows = new Set(tables.filter(([p]) => p === provider).map(([, value]) => value.toUpperCase()));
    for (const value of Object.keys(PROVIDERS[provider].statusTable))
      expect(rows).toContain(value.toUpperCase());
  });

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
