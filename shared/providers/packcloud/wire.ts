import * as z from 'zod';
import type { PageFormat, RecordFormat } from '../../wire/decode.ts';
import {
  isRecordValue,
  readRecords,
  wireId,
  wireOptionalDecimal,
  wireOptionalId,
  wireRecords,
  wireText,
} from '../../wire/fields.ts';

/**
 * packcloud billing invoices (seed 003). The scrape lost three names, assumed here in one place
 * each so that correcting them is a one-line change:
 */
/** Total excluding VAT ("Total value of invoice excluding VAT"). */
export const TOTAL_EXCLUDING_VAT = 'total_excl_vat';
/** Total including VAT ("Total value of invoice including VAT"). */
export const TOTAL_INCLUDING_VAT = 'total_incl_vat';
/** The list of a page: the scrape shows prev / next / per_page beside it, not its name. */
export const PAGE_ITEMS = 'data';
/** A line's "price per unit excl. VAT". */
export const LINE_UNIT_PRICE = 'unit_price_excl_vat';

export const PackcloudInvoice = z.looseObject({
  id: wireId,
  number: wireText,
  reference: wireText,
  status: wireText,
  [TOTAL_EXCLUDING_VAT]: wireOptionalDecimal,
  [TOTAL_INCLUDING_VAT]: wireOptionalDecimal,
  due_at: wireText,
  sent_at: wireText,
  created_at: wireText,
  updated_at: wireText,
});
export type PackcloudInvoice = z.output<typeof PackcloudInvoice>;

/** The envelope of every packcloud collection: its items, and links to the pages around it. */
export const PackcloudPage = z.looseObject({
  [PAGE_ITEMS]: wireRecords,
  prev: wireText,
  next: wireText,
  per_page: wireOptionalId,
});
export type PackcloudPage = z.output<typeof PackcloudPage>;

export const PackcloudLine = z.looseObject({
  id: wireId,
  description: wireText,
  quantity: wireOptionalDecimal,
  [LINE_UNIT_PRICE]: wireOptionalDecimal,
  period_start_at: wireText,
  period_end_at: wireText,
});
export type PackcloudLine = z.output<typeof PackcloudLine>;

const remoteIdOf = (record: Record<string, unknown>) => record.id;

/** A single invoice is read bare or wrapped as `{ "data": {…} }` (the scrape shows neither). */
export const packcloudInvoiceBody: RecordFormat<PackcloudInvoice> = {
  schema: PackcloudInvoice,
  unwrap: (document) =>
    isRecordValue(document) && PAGE_ITEMS in document && !('id' in document)
      ? document[PAGE_ITEMS]
      : document,
  remoteIdOf,
};

function pageOf<R>(record: RecordFormat<R>): PageFormat<PackcloudPage, R> {
  return {
    envelope: PackcloudPage,
    records: (page) => ({ path: PAGE_ITEMS, items: readRecords(page[PAGE_ITEMS]) }),
    record,
  };
}

export const packcloudPageBody = pageOf(packcloudInvoiceBody);
export const packcloudLinesBody = pageOf<PackcloudLine>({ schema: PackcloudLine, remoteIdOf });
