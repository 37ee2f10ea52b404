import * as z from 'zod';
import { decimal } from '../invoice/money.ts';
import { exactNumberText } from './json.ts';

/**
 * Zod types for provider wire fields, accepting the JSON and the XML flavour of the same body:
 * XML gives every value as text, JSON gives numbers and booleans. The schemas only check; they
 * transform nothing (zod transforms and union fallbacks cost more than parsing the body), and the
 * `read…` functions below turn a checked value into text when an adapter normalizes it, so ids and
 * money keep every digit and never pass through float arithmetic.
 *
 * Provider objects are `z.looseObject`: a field the schema does not name is kept, not dropped, so
 * that `raw` is the provider's record as sent.
 */

// The exponent is bounded: `1e300000000` would make the decimal library write out every digit.
const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][+-]?\d{1,3})?\s*$/;
const BOOLEAN = /^\s*(true|false)\s*$/i;

/** A required identifier: text, or a JSON number. */
export const wireId = z.union([z.string().min(1), z.number()], {
  error: 'must be a non-empty string or a number',
});

/** An optional identifier (orders-api OrderId, CurrencyId): text, number, null or absent. */
export const wireOptionalId = z
  .union([z.string(), z.number(), z.null()], { error: 'must be a string, a number or null' })
  .optional();

/** Optional text: missing, null and the empty XML element all read as null. */
export const wireText = z.union([z.string(), z.null()], { error: 'must be a string or null' }).optional();

/** A decimal number: a JSON number or numeric text. */
export const wireDecimal = z.union([z.number(), z.string().regex(NUMERIC)], {
  error: 'must be a decimal number',
});

export const wireOptionalDecimal = z
  .union([z.number(), z.string().regex(NUMERIC), z.literal(''), z.null()], {
    error: 'must be a decimal number or null',
  })
  .optional();

/** A boolean: JSON true/false or XML "true"/"false". */
export const wireFlag = z.union([z.boolean(), z.string().regex(BOOLEAN)], { error: 'must be true or false' });

export const wireOptionalFlag = z
  .union([z.boolean(), z.string().regex(BOOLEAN), z.literal(''), z.null()], {
    error: 'must be true, false or null',
  })
  .optional();

/** A list that XML may flatten: absent or empty is [], a single element becomes [element]. */
export function wireList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      value === null || value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value],
    z.array(item),
  );
}

/**
 * Thrown while normalizing when a JSON number has more digits than a double holds; the decoder
 * then parses the body again keeping every number's source text (see `json.ts`).
 */
export class PrecisionLost extends Error {}

function numberText(value: number): string {
  const text = exactNumberText(value);
  if (text === null) throw new PrecisionLost();
  return text;
}

export function readText(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

export function readId(value: string | number): string {
  return typeof value === 'number' ? numberText(value) : value;
}

export function readOptionalId(value: string | number | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : readId(value);
}

/** Canonical decimal text ("36.30" → "36.3"). */
export function readDecimal(value: string | number): string {
  return decimal(typeof value === 'number' ? numberText(value) : value.trim());
}

export function readOptionalDecimal(value: string | number | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : readDecimal(value);
}

export function readFlag(value: boolean | string | null | undefined): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'boolean' ? value : value.trim().toLowerCase() === 'true';
}
