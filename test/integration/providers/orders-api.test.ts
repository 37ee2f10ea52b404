import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFound, ProviderAuthFailed } from '../../../shared/errors.ts';
import { ordersApi } from '../../../shared/providers/orders-api/adapter.ts';
import { caught } from '../../support/caught.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

let sandbox: ProviderSandbox;
beforeAll(async () => {
  sandbox = await startProviderSandbox('orders-api');
});
afterAll(() => sandbox.close());

describe('orders-api adapter against its sandbox over HTTP', () => {
  test('lists the invoices of an order, statuses through the connection map', async () => {
    const samples = sandbox.app.sample(2);
    expect(samples[0]?.orderId).toBe(samples[1]?.orderId);
    const { invoices = [], quarantined } =
      (await ordersApi.orderInvoices?.(sandbox.connect(), samples[0]?.orderId ?? '')) ?? {};
    expect(quarantined).toEqual([]);
    expect(invoices.map((invoice) => invoice.remoteId)).toEqual(samples.map((sample) => sample.remoteId));
    for (const invoice of invoices) {
      expect(invoice.status).not.toBe('UNKNOWN');
      expect(invoice.orderIds).toEqual([samples[0]?.orderId]);
      expect(invoice.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    }
  });

  test('the XML flavour (ArrayOfInvoiceBase) gives the same invoices as JSON', async () => {
    const [sample] = sandbox.app.sample(1);
    const json = await ordersApi.orderInvoices?.(sandbox.connect(), sample?.orderId ?? '');
    const xml = await ordersApi.orderInvoices?.(
      sandbox.connect({ options: { format: 'xml' } }),
      sample?.orderId ?? '',
    );
    expect(xml).toEqual(json);
  });

  test('without a status map every invoice is UNKNOWN with the status id kept', async () => {
    const [sample] = sandbox.app.sample(1);
    const found = await ordersApi.orderInvoices?.(sandbox.connect({ statusMap: {} }), sample?.orderId ?? '');
    for (const invoice of found?.invoices ?? []) {
      if (invoice.status !== 'VOID')
        expect(invoice).toMatchObject({ status: 'UNKNOWN', providerStatus: expect.stringMatching(/^\d$/) });
    }
  });

  test('an unknown order is NotFound, a wrong token an auth failure', async () => {
    expect(await caught(ordersApi.orderInvoices?.(sandbox.connect(), '999999'))).toBeInstanceOf(NotFound);
    const error = await caught(ordersApi.orderInvoices?.(sandbox.connect({ token: 'wrong' }), '5001'));
    expect(error).toBeInstanceOf(ProviderAuthFailed);
  });
});
