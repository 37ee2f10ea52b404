import * as z from 'zod';
import type { PageFormat, RecordFormat } from '../../wire/decode.ts';
import {
  readRecords,
  wireDecimal,
  wireId,
  wireOptionalFlag,
  wireOptionalId,
  wireRecords,
  wireText,
} from '../../wire/fields.ts';

/**
 * orders-api `GET v1/Orders/{orderId}/Invoices` (seed 002): a JSON array, or XML
 * `<ArrayOfInvoiceBase>` with xmlns attributes and one `<InvoiceBase>` per invoice.
 */
export const OrdersInvoice = z.looseObject({
  Id: wireId,
  InvoiceCode: wireText,
  OrderId: wireId,
  OrderCode: wireText,
  InvoiceDate: wireText,
  InvoiceTotalIncVat: wireDecimal,
  InvoiceTotalExVat: wireDecimal,
  CurrencyId: wireOptionalId,
  CurrencyCode: wireText,
  Deleted: wireOptionalFlag,
  ChangeTimestamp: wireText,
  MainStatusId: wireOptionalId,
  DocumentFileId: wireOptionalId,
});
export type OrdersInvoice = z.output<typeof OrdersInvoice>;

export const ordersInvoiceRecord: RecordFormat<OrdersInvoice> = {
  schema: OrdersInvoice,
  remoteIdOf: (record) => record.Id,
};

/** The body is the list itself: its "envelope" is the list, checked to be one. */
export const ordersInvoicesBody: PageFormat<unknown, OrdersInvoice> = {
  envelope: wireRecords,
  records: (list) => ({ path: 'body', items: readRecords(list) }),
  record: ordersInvoiceRecord,
  xmlLists: ['ArrayOfInvoiceBase.InvoiceBase'],
  fromXml: (document) => {
    const root = document.ArrayOfInvoiceBase;
    if (root === undefined) return undefined;
    return root === '' ? [] : ((root as { InvoiceBase?: unknown }).InvoiceBase ?? []);
  },
};
