import * as z from 'zod';
import type { RecordFormat } from '../../wire/decode.ts';
import { wireId, wireList, wireOptionalDecimal, wireOptionalFlag, wireText } from '../../wire/fields.ts';

/** vn-einvoice `POST /v2/ob/invoices/:id` (seed 001): one invoice as JSON. */

const VnConsumer = z.looseObject({
  code: wireText,
  name: wireText,
  tax_code: wireText,
  address: wireText,
  citizen_identification: wireText,
  phone: wireText,
  buyer_name: wireText,
  bank_account: wireText,
});

const VnInvoiceLine = z.looseObject({
  code: wireText,
  name: wireText,
  unit: wireText,
  price: wireOptionalDecimal,
  quantity: wireOptionalDecimal,
  tax_amount: wireOptionalDecimal,
  /** UNDECLARED, NONE, ZERO, FIVE, EIGHT, TEN; kept as text so that a new rate is not an error. */
  vat_rate: wireText,
  amount: wireOptionalDecimal,
  discount_amount: wireOptionalDecimal,
  promoted: wireOptionalFlag,
});

const VnInvoiceAmount = z.looseObject({
  vat_amount: wireOptionalDecimal,
  subtotal: wireOptionalDecimal,
  total: wireOptionalDecimal,
});

export const VnInvoice = z.looseObject({
  authority_status: wireText,
  id: wireId,
  consumer: VnConsumer.nullish(),
  code: wireText,
  created_date: wireText,
  serial_number: wireText,
  date_of_issue: wireText,
  invoice_lines: wireList(VnInvoiceLine),
  invoice_amount: VnInvoiceAmount.nullish(),
  updated_date: wireText,
  has_tax_authorities: wireOptionalFlag,
  tax_code_issued: wireText,
  full_symbol: wireText,
  payment_method: wireText,
});
export type VnInvoice = z.output<typeof VnInvoice>;
export type VnInvoiceLine = z.output<typeof VnInvoiceLine>;

export const vnInvoiceBody: RecordFormat<VnInvoice> = {
  schema: VnInvoice,
  remoteIdOf: (record) => record.id,
};
