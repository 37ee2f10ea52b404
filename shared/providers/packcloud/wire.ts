import * as z from 'zod';
import type { WireFormat } from '../../wire/decode.ts';
import { wireId, wireList, wireOptionalDecimal, wireOptionalId, wireText } from '../../wire/fields.ts';

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

const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ [PAGE_ITEMS]: wireList(item), prev: wireText, next: wireText, per_page: wireOptionalId });

export const PackcloudInvoicePage = pageOf(PackcloudInvoice);
export type PackcloudInvoicePage = z.output<typeof PackcloudInvoicePage>;

export const PackcloudLine = z.looseObject({
  id: wireId,
  description: wireText,
  quantity: wireOptionalDecimal,
  [LINE_UNIT_PRICE]: wireOptionalDecimal,
  period_start_at: wireText,
  period_end_at: wireText,
});
export type PackcloudLine = z.output<typeof PackcloudLine>;

export const PackcloudLinePage = pageOf(PackcloudLine);
export type PackcloudLinePage = z.output<typeof PackcloudLinePage>;

/** A single invoice is read bare or wrapped as `{ "data": {…} }` (the scrape shows neither). */
const SingleInvoice = z.preprocess(
  (value) =>
    typeof value === 'object' && value !== null && PAGE_ITEMS in value && !('id' in value)
      ? (value as Record<string, unknown>)[PAGE_ITEMS]
      : value,
  PackcloudInvoice,
);

export const packcloudPageBody: WireFormat<PackcloudInvoicePage> = { schema: PackcloudInvoicePage };
export const packcloudInvoiceBody: WireFormat<PackcloudInvoice> = { schema: SingleInvoice };
export const packcloudLinesBody: WireFormat<PackcloudLinePage> = { schema: PackcloudLinePage };
