import * as z from 'zod';
import type { PageFormat, RecordFormat, RecordList } from '../../wire/decode.ts';
import {
  isRecordValue,
  readRecords,
  wireFlag,
  wireId,
  wireOptionalId,
  wireRecords,
  wireText,
} from '../../wire/fields.ts';

/**
 * pretendentas `GET /v1/invoices` (seed 000): the same content as XML (`<response>` root) or JSON,
 * inside a `success` / `message` envelope. Ids and numbers stay text: `res_nr` "00001" keeps its zeros.
 */
export const PretendentasInvoice = z.looseObject({
  id: wireId,
  order_id: wireOptionalId,
  inv_series: wireText,
  inv_nr: wireOptionalId,
  res_series: wireText,
  res_nr: wireOptionalId,
  created_at: wireText,
  status: wireText,
  link_pdf: wireText,
  link_order: wireText,
});
export type PretendentasInvoice = z.output<typeof PretendentasInvoice>;

/**
 * `items` is `{ "invoice": [...] }` (mirroring the XML). An empty list may come as `<items/>`,
 * `null` or `[]` (PHP's json_encode of an empty array), and a bare array is read as the list.
 */
const Items = z.union(
  [z.null(), z.literal(''), z.array(z.unknown()), z.looseObject({ invoice: wireRecords })],
  { error: 'must be {"invoice": [...]}, a list, or empty' },
);

export const PretendentasEnvelope = z.looseObject({
  success: wireFlag,
  message: wireText,
  items: Items.optional(),
});
export type PretendentasEnvelope = z.output<typeof PretendentasEnvelope>;

function recordsOf(envelope: PretendentasEnvelope): RecordList {
  const { items } = envelope;
  if (Array.isArray(items)) return { path: 'items', items };
  return { path: 'items.invoice', items: isRecordValue(items) ? readRecords(items.invoice) : [] };
}

export const pretendentasInvoiceRecord: RecordFormat<PretendentasInvoice> = {
  schema: PretendentasInvoice,
  remoteIdOf: (record) => record.id,
};

export const pretendentasBody: PageFormat<PretendentasEnvelope, PretendentasInvoice> = {
  envelope: PretendentasEnvelope,
  records: recordsOf,
  record: pretendentasInvoiceRecord,
  xmlLists: ['response.items.invoice'],
  fromXml: (document) => document.response,
};
