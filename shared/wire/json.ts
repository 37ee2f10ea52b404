/**
 * JSON numbers without binary-float surprises.
 *
 * Plain `JSON.parse` is the fast path: a JSON number with at most 15 significant digits survives
 * the trip through a double exactly (`String(36.3)` is "36.3"). Numbers that a double may not
 * hold exactly (integers beyond 2^53, 16+ significant digits) are detected when read and make the
 * decoder parse the body again with `parseJsonExact`, which keeps every number's source text
 * (about six times slower, so it is only the fallback).
 *
 * Known limit: a literal with 16+ significant digits whose double prints in 15 or fewer
 * (`0.10000000000000001` reads back as "0.1") cannot be told from the short one after a plain
 * parse. No provider sends money with that many digits.
 */

export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** The value of JSON text, or `undefined` when it is not JSON (for bodies a schema checks next). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses with every number kept as its exact source text (a string). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? context.source : value,
  );
}

/** Decimal text of a parsed JSON number, or null when a double may not hold the literal exactly. */
export function exactNumberText(value: number): string | null {
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : null;
  const text = String(value);
  // Fifteen characters cannot hold more than fifteen digits: the common case needs no counting.
  return text.length <= 15 || significantDigits(text) <= 15 ? text : null;
}

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').split(/e/i)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}
