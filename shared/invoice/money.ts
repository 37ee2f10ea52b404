import Big from 'big.js';

/**
 * Decimal arithmetic for money and quantities. Inputs are decimal strings that the wire schemas
 * have already checked; nothing here goes through binary floating point, so 36.3 - 30 is "6.3".
 */

/** Canonical decimal text: plain notation, no trailing zeros, no negative zero ("5.0" → "5"). */
export function decimal(text: string): string {
  const value = new Big(text);
  return value.eq(0) ? '0' : value.toFixed();
}

export function difference(minuend: string, subtrahend: string): string {
  return decimal(new Big(minuend).minus(subtrahend).toFixed());
}

export function product(left: string, right: string): string {
  return decimal(new Big(left).times(right).toFixed());
}

export function sum(values: readonly string[]): string {
  let total = new Big(0);
  for (const value of values) total = total.plus(value);
  return decimal(total.toFixed());
}

/** Null-tolerant helpers: a missing operand makes a missing result, never a made-up zero. */
export function optionalDecimal(text: string | null): string | null {
  return text === null ? null : decimal(text);
}

export function optionalDifference(minuend: string | null, subtrahend: string | null): string | null {
  return minuend === null || subtrahend === null ? null : difference(minuend, subtrahend);
}

export function optionalProduct(left: string | null, right: string | null): string | null {
  return left === null || right === null ? null : product(left, right);
}
