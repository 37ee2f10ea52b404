import type { Invoice } from '../invoice/invoice.ts';
import { invoiceId } from '../invoice/invoice-id.ts';
import { type DateOrder, InvalidTimestamp, toUtcTimestamp } from '../invoice/time.ts';
import { readOptionalDecimal, readText } from '../wire/fields.ts';
import type { NormalizationContext } from './provider.ts';

/** Helpers every adapter's normalizer uses, so that each adapter only states its mapping. */

/**
 * A field that passed the wire schema but cannot be normalized (e.g. 30 February); the record
 * reader (records.ts) quarantines the record, or names it in a `MalformedResponse`.
 */
export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(reason);
    this.field = field;
  }

  /** The same error, for a field inside a list item (`orders[2]` + `createdAt`). */
  within(list: string, index: number): FieldError {
    return new FieldError(`${list}[${index}].${this.field}`, this.message);
  }
}

/** A provider timestamp as RFC 3339 UTC, read in the connection's zone when it has none. */
export function utc(
  value: string | null | undefined,
  field: string,
  context: NormalizationContext,
  order: DateOrder = 'year-first',
): string | null {
  const text = readText(value);
  if (text === null) return null;
  try {
    return toUtcTimestamp(text, context.timeZone, order);
  } catch (error: unknown) {
    if (error instanceof InvalidTimestamp) throw new FieldError(field, error.message);
    throw error;
  }
}

/** Canonical decimal text, or null. */
export function money(value: string | number | null | undefined): string | null {
  return readOptionalDecimal(value);
}

const ISO_4217 = /^[A-Z]{3}$/;
/** Codes as sent to what they mean, bounded: a page repeats one or two. */
const codes = new Map<string, string | null>();

/**
 * The invoice's currency: the provider's code when it is an ISO 4217 code, the connection's
 * default when the provider sent none, and null when it sent something that is not a code
 * (orders-api samples say "sample string 8"): better unknown than a wrong guess.
 */
export function currency(
  providerCode: string | null | undefined,
  context: NormalizationContext,
): string | null {
  const text = readText(providerCode);
  if (text === null) return context.currency;
  let known = codes.get(text);
  if (known === undefined) {
    const code = text.trim().toUpperCase();
    known = ISO_4217.test(code) ? code : null;
    if (codes.size < 1000) codes.set(text, known);
  }
  return known;
}

/**
 * The canonical id of a record read in this context. Adapters write `id`, `provider`, `connection`
 * and `remoteId` into the invoice literal themselves: one object literal per invoice, with no
 * spread, is the cheapest way to build thousands of them with one shape.
 */
export function canonicalId(context: NormalizationContext, remoteId: string): string {
  return invoiceId(context.connection ?? context.provider, remoteId);
}

/** Adds the provider's record as `raw` when the caller asked for it. */
export function withRaw(invoice: Invoice, record: unknown, context: NormalizationContext): Invoice {
  if (context.includeRaw) invoice.raw = record;
  return invoice;
}
