import * as z from 'zod';
import type { PageFormat, RecordFormat } from '../../wire/decode.ts';
import {
  readRecords,
  wireFlag,
  wireId,
  wireList,
  wireOptionalDecimal,
  wireOptionalFlag,
  wireOptionalId,
  wireRecords,
  wireText,
} from '../../wire/fields.ts';

/** carbonext `GET /v1/invoices` (a page) and `GET /v1/invoices/:id` (one invoice), seed 004. */

export const CarbonextOrder = z.looseObject({
  id: wireId,
  vcuAmount: wireOptionalDecimal,
  vcuUnitPrice: wireOptionalDecimal,
  targetCurrency: wireText,
  status: wireText,
  /** `22/10/2021 00:36:16`: day first, Brazilian local time. */
  createdAt: wireText,
});
export type CarbonextOrder = z.output<typeof CarbonextOrder>;

export const CarbonextInvoice = z.looseObject({
  id: wireId,
  status: wireText,
  totalVcuAmount: wireOptionalDecimal,
  totalPrice: wireOptionalDecimal,
  currency: wireText,
  customerId: wireText,
  orders: wireList(CarbonextOrder),
});
export type CarbonextInvoice = z.output<typeof CarbonextInvoice>;

export const CarbonextPage = z.looseObject({
  items: wireRecords,
  pageIndex: wireOptionalId,
  totalPages: wireOptionalId,
  totalCount: wireOptionalId,
  hasPreviousPage: wireOptionalFlag,
  hasNextPage: wireFlag,
});
export type CarbonextPage = z.output<typeof CarbonextPage>;

export const carbonextInvoiceBody: RecordFormat<CarbonextInvoice> = {
  schema: CarbonextInvoice,
  remoteIdOf: (record) => record.id,
};

export const carbonextPageBody: PageFormat<CarbonextPage, CarbonextInvoice> = {
  envelope: CarbonextPage,
  records: (page) => ({ path: 'items', items: readRecords(page.items) }),
  record: carbonextInvoiceBody,
};
