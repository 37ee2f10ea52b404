import * as z from 'zod';
import type { WireFormat } from '../../wire/decode.ts';
import {
  wireDecimal,
  wireId,
  wireList,
  wireOptionalFlag,
  wireOptionalId,
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

export const ordersInvoicesBody: WireFormat<OrdersInvoice[]> = {
  schema: wireList(OrdersInvoice),
  xmlLists: ['ArrayOfInvoiceBase.InvoiceBase'],
  fromXml: (document) => {
    const root = document.ArrayOfInvoiceBase;
    if (root === undefined) return undefined;
    return root === '' ? [] : ((root as { InvoiceBase?: unknown }).InvoiceBase ?? []);
  },
};
