import { type RefinementCtx, z } from 'zod';
import { exactNumberText } from './json.ts';

/**
 * Zod types for provider wire fields, accepting the JSON and the XML flavour of the same body:
 * XML gives every value as text, JSON gives numbers and booleans. Each field comes out as text
 * (or null), never as a JS number, so ids and money keep every digit.
 */

/** Issue parameter that tells the decoder to re-parse the body with exact numbers. */
export const PRECISION_LOST = 'precisionLost';

const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function numberText(value: number, context: RefinementCtx): string {
  const text = exactNumberText(value);
  if (text === null) {
    context.addIssue({
      code: 'custom',
      message: 'number has more digits than a double holds',
      params: { [PRECISION_LOST]: true },
    });
    return z.NEVER;
  }
  return text;
}

const absent = z.union([z.null(), z.undefined(), z.literal('')]).transform(() => null);

/** A required identifier: text, or a JSON number kept digit for digit. */
export const wireId = z.union([
  z.string().min(1, 'must not be empty'),
  z.number().transform((value, context) => numberText(value, context)),
]);

/** Optional text: missing, null and the empty XML element all read as null. */
export const wireText = z.union([absent, z.string()]);

/** An optional identifier that may come as a number (orders-api OrderId, CurrencyId). */
export const wireOptionalId = z.union([absent, wireId]);

/** A decimal number as text (not yet canonical). */
export const wireDecimal = z.union([
  z.string().trim().regex(NUMERIC, 'must be a decimal number'),
  z.number().transform((value, context) => numberText(value, context)),
]);

export const wireOptionalDecimal = z.union([absent, wireDecimal]);

/** A boolean: JSON true/false or XML "true"/"false". */
export const wireFlag = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false']))
    .transform((value) => value === 'true'),
]);

export const wireOptionalFlag = z.union([absent, wireFlag]);

/** A list that XML may flatten: absent or empty is [], a single element becomes [element]. */
export function wireList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      value === null || value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value],
    z.array(item),
  );
}
