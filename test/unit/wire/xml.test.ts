import { describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import { ordersApi } from '../../../shared/providers/orders-api/adapter.ts';
import { pretendentas } from '../../../shared/providers/pretendentas/adapter.ts';
import { contextFor } from '../../support/contexts.ts';

const pretendentasXml = (invoices: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><response><success>true</success><message></message><items>${invoices}</items></response>`;
const invoiceXml = (id: string, resNr = '00001') =>
  `<invoice><id>${id}</id><order_id>7</order_id><inv_series></inv_series><inv_nr></inv_nr><res_series>REZ</res_series><res_nr>${resNr}</res_nr><created_at>2013-08-27 11:10:45</created_at><status>UNPAID</status><link_pdf></link_pdf><link_order></link_order></invoice>`;

function normalizePretendentas(xml: string) {
  return pretendentas.normalizeBody('list', xml, 'application/xml', contextFor('pretendentas'));
}

describe('XML bodies', () => {
  test('a single element is still a list', () => {
    expect(normalizePretendentas(pretendentasXml(invoiceXml('a'))).invoices.map((i) => i.remoteId)).toEqual([
      'a',
    ]);
  });

  test('an empty list element is an empty page, however it is written', () => {
    expect(normalizePretendentas(pretendentasXml('')).invoices).toEqual([]);
    expect(
      normalizePretendentas('<response><success>true</success><message/><items/></response>').invoices,
    ).toEqual([]);
  });

  test('several elements keep their order', () => {
    const xml = pretendentasXml(invoiceXml('a') + invoiceXml('b') + invoiceXml('c'));
    expect(normalizePretendentas(xml).invoices.map((i) => i.remoteId)).toEqual(['a', 'b', 'c']);
  });

  test('ids and numbers that look like numbers stay exactly as sent', () => {
    const xml = pretendentasXml(invoiceXml('000123', '00001') + invoiceXml('7e10', '0'));
    const [first, second] = normalizePretendentas(xml).invoices;
    expect(first?.remoteId).toBe('000123');
    expect(second?.remoteId).toBe('7e10');
    expect(first?.orderIds).toEqual(['7']);
  });

  test('entities are decoded, namespaces and xsi:nil attributes do not get in the way', () => {
    const xml = `<ArrayOfInvoiceBase xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><InvoiceBase><Id>0042</Id><InvoiceCode>A &amp; B</InvoiceCode><OrderId>3</OrderId><OrderCode xsi:nil="true" /><InvoiceDate>2021-12-02T20:19:34.310359+01:00</InvoiceDate><InvoiceTotalIncVat>36.3</InvoiceTotalIncVat><InvoiceTotalExVat>30</InvoiceTotalExVat><CurrencyCode>EUR</CurrencyCode><Deleted>false</Deleted><MainStatusId xsi:nil="true" /></InvoiceBase></ArrayOfInvoiceBase>`;
    const [invoice] = ordersApi.normalizeBody(
      'order-invoices',
      xml,
      'text/xml',
      contextFor('orders-api'),
    ).invoices;
    expect(invoice).toMatchObject({
      remoteId: '0042',
      number: 'A & B',
      tax: '6.3',
      status: 'UNKNOWN',
      providerStatus: null,
      currency: 'EUR',
    });
  });

  test('a billion-laughs body is refused at once, without expanding anything', () => {
    const entities = Array.from(
      { length: 9 },
      (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`,
    ).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><response><success>true</success><message>&lol9;</message></response>`;
    // Refused before the parser sees it: the detail comes from the declaration check, not the parser.
    expect(() => normalizePretendentas(bomb)).toThrow(/document type declaration/);
  });

  test('a truncated document is refused rather than read as fewer invoices', () => {
    const xml = pretendentasXml(invoiceXml('a') + invoiceXml('b'));
    const cut = xml.slice(0, xml.indexOf('</invoice>') + '</invoice>'.length);
    expect(() => normalizePretendentas(cut)).toThrow(MalformedResponse);
  });

  test('mismatched tags are refused', () => {
    expect(() => normalizePretendentas('<response><success>true</wrong></response>')).toThrow(
      /not well-formed/,
    );
  });

  test('the wrong root element is a malformed body, not an empty page', () => {
    expect(() => normalizePretendentas('<other><success>true</success></other>')).toThrow(/root element/);
  });
});
