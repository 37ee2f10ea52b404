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
  const money = fewDecimalsText(value);
  if (money !== null) return money;
  const text = String(value);
  // Fifteen characters cannot hold more than fifteen digits: the common case needs no counting.
  return text.length <= 15 || significantDigits(text) <= 15 ? text : null;
}

const MAX_DECIMALS = 6;

/**
 * `String(value)` for a number with at most six decimals and fifteen digits (money, quantities),
 * without the general double-to-text conversion, which costs as much as reading the number. The
 * decimal with the fewest fraction digits that reads back as the same double is the one `String`
 * prints (its shortest round trip, fixed notation below 1e21): `units / 10^digits` is the correctly
 * rounded value of that decimal, just as parsing its text is. Null when no such decimal exists.
 */
function fewDecimalsText(value: number): string | null {
  let power = 1;
  for (let digits = 1; digits <= MAX_DECIMALS; digits++) {
    power *= 10;
    const units = Math.round(value * power);
    if (units / power !== value) continue;
    const absolute = Math.abs(units);
    if (absolute >= 1e15) return null;
    const whole = Math.floor(absolute / power);
    const rest = absolute - whole * power;
    // Cents are the common case: their two digits come from a table.
    const fraction =
      digits === 1
        ? String(rest)
        : digits === 2
          ? (CENTS[rest] as string)
          : String(rest).padStart(digits, '0');
    return value < 0 ? `-${whole}.${fraction}` : `${whole}.${fraction}`;
  }
  return null;
}

const CENTS = Array.from({ length: 100 }, (_, cents) => String(cents).padStart(2, '0'));

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').split(/e/i)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}
