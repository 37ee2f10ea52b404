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
  const code = text.trim().toUpperCase();
  return ISO_4217.test(code) ? code : null;
}

/** The fields every canonical invoice derives the same way from where it came from. */
export function identity(
  context: NormalizationContext,
  remoteId: string,
): Pick<Invoice, 'id' | 'provider' | 'connection' | 'remoteId'> {
  return {
    id: invoiceId(context.connection ?? context.provider, remoteId),
    provider: context.provider,
    connection: context.connection,
    remoteId,
  };
}

/** Adds the provider's record as `raw` when the caller asked for it. */
export function withRaw(invoice: Invoice, record: unknown, context: NormalizationContext): Invoice {
  if (context.includeRaw) invoice.raw = record;
  return invoice;
}
