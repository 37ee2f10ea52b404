import { describe, expect, test } from 'vitest';
import { ProviderRejected } from '../../../shared/errors.ts';
import type { NormalizationContext } from '../../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { contextFor } from '../../support/contexts.ts';

function normalize(
  provider: ProviderId,
  operation: 'list' | 'get' | 'order-invoices',
  body: unknown,
  context: Partial<NormalizationContext> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return PROVIDERS[provider].normalizeBody(operation, text, null, contextFor(provider, context));
}

describe('pretendentas', () => {
  const envelope = (invoice: Record<string, unknown>) => ({
    success: true,
    message: '',
    items: { invoice: [{ id: 'x', created_at: '2024-01-15 10:00:00', status: 'PAID', ...invoice }] },
  });

  test('the invoice number is series + number with leading zeros kept, and dates it as issued', () => {
    const [invoice] = normalize(
      'pretendentas',
      'list',
      envelope({ inv_series: 'PRT', inv_nr: '00042' }),
    ).invoices;
    expect(invoice).toMatchObject({
      number: 'PRT00042',
      issuedAt: '2024-01-15T08:00:00Z',
      createdAt: '2024-01-15T08:00:00Z',
    });
  });

  test('a reservation alone has no invoice number and is not issued yet', () => {
    const [invoice] = normalize(
      'pretendentas',
      'list',
      envelope({ res_series: 'REZ', res_nr: '00001', inv_nr: null }),
    ).invoices;
    expect(invoice).toMatchObject({ number: null, issuedAt: null, currency: 'EUR' });
  });

  test('success: false is an error carrying the provider message, not an empty page (JSON and XML)', () => {
    const json = { success: false, message: 'Neteisingas API raktas' };
    const xml = '<response><success>false</success><message>Neteisingas API raktas</message></response>';
    for (const body of [json, xml]) {
      let caught: unknown;
      try {
        normalize('pretendentas', 'list', body);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProviderRejected);
      expect((caught as ProviderRejected).providerMessage).toBe('Neteisingas API raktas');
    }
  });

  test('an empty list written the PHP way ([]) is an empty page', () => {
    expect(normalize('pretendentas', 'list', { success: true, message: '', items: [] }).invoices).toEqual([]);
  });

  test('the currency is the connection’s', () => {
    const [invoice] = normalize('pretendentas', 'list', envelope({}), { currency: 'USD' }).invoices;
    expect(invoice?.currency).toBe('USD');
  });
});

describe('vn-einvoice', () => {
  const body = {
    authority_status: 'ACCEPTED',
    id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    consumer: {
      name: 'Nguyễn Văn An',
      tax_code: '0101234567',
      citizen_identification: '',
      buyer_name: 'Trần Thị Lan',
    },
    full_symbol: '1C25TAA-0000123',
    invoice_lines: ['UNDECLARED', 'NONE', 'ZERO', 'FIVE', 'EIGHT', 'TEN', 'TWELVE'].map((rate, index) => ({
      code: `SP${index}`,
      price: 100000,
      quantity: 2,
      amount: 200000,
      tax_amount: 16000,
      discount_amount: 0,
      vat_rate: rate,
    })),
    invoice_amount: { subtotal: 1400000, vat_amount: 112000, total: 1512000 },
  };

  test('VAT rates become percentages; NONE, UNDECLARED and unknown rates are null', () => {
    const [invoice] = normalize('vn-einvoice', 'get', body).invoices;
    expect(invoice?.lines.map((line) => line.taxRate)).toEqual([null, null, '0', '5', '8', '10', null]);
  });

  test('the authority status, full symbol, totals, VND and the buyer are mapped', () => {
    const [invoice] = normalize('vn-einvoice', 'get', body).invoices;
    expect(invoice).toMatchObject({
      number: '1C25TAA-0000123',
      status: 'OPEN',
      authorityStatus: 'ACCEPTED',
      currency: 'VND',
      subtotal: '1400000',
      tax: '112000',
      total: '1512000',
      customer: { name: 'Nguyễn Văn An', taxId: '0101234567', nationalId: null, contactName: 'Trần Thị Lan' },
    });
  });
});

describe('orders-api', () => {
  const record = (currency: unknown) => [
    {
      Id: 7,
      OrderId: 3,
      InvoiceTotalIncVat: 121,
      InvoiceTotalExVat: 100,
      CurrencyCode: currency,
      Deleted: false,
    },
  ];

  test('a currency code is used when it is ISO 4217, else null; a missing one is the connection default', () => {
    expect(normalize('orders-api', 'order-invoices', record('eur')).invoices[0]?.currency).toBe('EUR');
    expect(
      normalize('orders-api', 'order-invoices', record('sample string 8')).invoices[0]?.currency,
    ).toBeNull();
    expect(
      normalize('orders-api', 'order-invoices', record(null), { currency: 'USD' }).invoices[0]?.currency,
    ).toBe('USD');
  });

  test('tax is the exact difference of the two totals; ids are text', () => {
    expect(normalize('orders-api', 'order-invoices', record('EUR')).invoices[0]).toMatchObject({
      remoteId: '7',
      orderIds: ['3'],
      subtotal: '100',
      tax: '21',
      total: '121',
    });
  });
});

describe('packcloud', () => {
  test('a single invoice is read bare or wrapped in data', () => {
    const invoice = { id: '000123', status: 'paid', total_excl_vat: '30.00', total_incl_vat: '36.30' };
    for (const body of [invoice, { data: invoice }]) {
      expect(normalize('packcloud', 'get', body).invoices[0]).toMatchObject({
        remoteId: '000123',
        subtotal: '30',
        tax: '6.3',
        total: '36.3',
      });
    }
  });

  test('the next link is the cursor', () => {
    const page = normalize('packcloud', 'list', {
      data: [],
      prev: null,
      next: 'https://api.pack.cloud/x?page=2',
      per_page: 25,
    });
    expect(page).toEqual({ invoices: [], quarantined: [], next: 'https://api.pack.cloud/x?page=2' });
  });
});

describe('carbonext', () => {
  test('the next cursor is the following page index, and none on the last page', () => {
    const page = (hasNextPage: boolean) => ({ items: [], pageIndex: 3, totalPages: 4, hasNextPage });
    expect(normalize('carbonext', 'list', page(true)).next).toBe('4');
    expect(normalize('carbonext', 'list', page(false)).next).toBeNull();
  });

  test('orders become lines with VCU quantity, unit price, exact amount, own status and São Paulo time', () => {
    const body = {
      id: 'x',
      status: 'Paid',
      totalPrice: 3862.5,
      currency: 'BRL',
      orders: [
        {
          id: 'o1',
          vcuAmount: 50,
          vcuUnitPrice: 77.25,
          status: 'Refunded',
          createdAt: '05/03/2019 10:00:00',
        },
      ],
    };
    const [invoice] = normalize('carbonext', 'get', body).invoices;
    expect(invoice?.lines).toEqual([
      {
        remoteId: 'o1',
        description: 'Verified Carbon Units',
        quantity: '50',
        unit: 'VCU',
        unitPrice: '77.25',
        discount: null,
        taxRate: null,
        tax: null,
        amount: '3862.5',
        status: 'Refunded',
        createdAt: '2019-03-05T13:00:00Z',
      },
    ]);
    expect(invoice?.orderIds).toEqual(['o1']);
  });
});

describe('raw records', () => {
  test('are attached only when asked for', () => {
    const body = { id: 'x', status: 'Paid', totalPrice: 1, currency: 'BRL', orders: [] };
    expect(normalize('carbonext', 'get', body).invoices[0]).not.toHaveProperty('raw');
    expect(normalize('carbonext', 'get', body, { includeRaw: true }).invoices[0]?.raw).toMatchObject({
      id: 'x',
    });
  });
});

describe('canonical ids', () => {
  test('derive from the connection when there is one, and from the provider otherwise', () => {
    const body = { id: 'x', status: 'Paid', totalPrice: 1, currency: 'BRL', orders: [] };
    const withoutConnection = normalize('carbonext', 'get', body).invoices[0];
    const withConnection = normalize('carbonext', 'get', body, { connection: 'acme' }).invoices[0];
    expect(withoutConnection?.id).not.toBe(withConnection?.id);
    expect(withConnection?.connection).toBe('acme');
  });
});
