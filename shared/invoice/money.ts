import Big from 'big.js';

/**
 * Decimal arithmetic for money and quantities, on decimal strings. Nothing here goes through
 * binary floating point: 36.3 - 30 is "6.3".
 *
 * Invoices carry a few values each and pages carry thousands of invoices, so the common case
 * (at most 15 significant digits, at most 6 decimals) is computed on scaled integers: "36.30" is
 * 3630 × 10⁻², and integer arithmetic below 2^53 is exact in a double. Anything outside that
 * range, or any result that leaves it, is computed by big.js. Tests check both paths agree.
 */

/** Canonical decimal text: plain notation, no trailing zeros, no negative zero ("5.0" → "5"). */
export function decimal(text: string): string {
  return canonicalPlain(text) ?? bigResult(new Big(text));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The canonical form of plain decimal text (`-?\d+(\.\d+)?`), without big.js: the text itself
 * when it already is canonical (the common case, no allocation), else the text with its leading
 * and trailing zeros cut. Null for anything else (exponents), which big.js then reads.
 */
function canonicalPlain(text: string): string | null {
  const length = text.length;
  let index = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const intStart = index;
  while (index < length && isDigit(text.charCodeAt(index))) index++;
  const intEnd = index;
  if (intEnd === intStart) return null;
  let fractionEnd = intEnd;
  if (index < length) {
    if (text.charCodeAt(index) !== 46 /* . */) return null;
    index++;
    while (index < length && isDigit(text.charCodeAt(index))) index++;
    if (index !== length || index === intEnd + 1) return null;
    // Trailing zeros of the fraction go, and the point with them if nothing is left.
    fractionEnd = length;
    while (text.charCodeAt(fractionEnd - 1) === 48) fractionEnd--;
    if (fractionEnd === intEnd + 1) fractionEnd = intEnd;
  }
  let wholeStart = intStart;
  while (wholeStart < intEnd - 1 && text.charCodeAt(wholeStart) === 48) wholeStart++;
  const zero = wholeStart === intEnd - 1 && text.charCodeAt(wholeStart) === 48 && fractionEnd === intEnd;
  if (zero) return '0';
  if (wholeStart === intStart && fractionEnd === length) return text;
  return (intStart === 1 ? '-' : '') + text.slice(wholeStart, fractionEnd);
}

/**
 * Reads `text` as units × 10^-scale into `read` when that is exact in a double (at most 15
 * digits, at most 6 of them decimals); false otherwise. One reused result rather than a pair per
 * call: this runs for every amount of every page.
 */
const read = { units: 0, scale: 0 };

function readScaled(text: string): boolean {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; /* - */
  let index = negative ? 1 : 0;
  let units = 0;
  let whole = 0;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit >>> 0 > 9) break;
    units = units * 10 + digit;
    whole++;
  }
  if (whole === 0) return false;
  let scale = 0;
  if (index < length) {
    if (text.charCodeAt(index) !== 46 /* . */) return false;
    for (index++; index < length; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit >>> 0 > 9) return false;
      units = units * 10 + digit;
      scale++;
    }
    // No dangling point.
    if (scale === 0) return false;
  }
  if (whole + scale > 15 || scale > 6) return false;
  read.units = negative ? -units : units;
  read.scale = scale;
  return true;
}

const POWERS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1e9, 1e10, 1e11, 1e12];

const CENTS = Array.from({ length: 100 }, (_, cents) => String(cents).padStart(2, '0'));

function fromScaled(units: number, scale: number): string {
  if (scale === 0) return String(units === 0 ? 0 : units);
  const absolute = Math.abs(units);
  const power = POWERS[scale] as number;
  const whole = Math.floor(absolute / power);
  let fraction = absolute - whole * power;
  if (fraction === 0) return units < 0 && whole !== 0 ? `-${whole}` : String(whole);
  let digits = scale;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  // Cents are the common case: their digits come from a table rather than a conversion and a pad.
  const decimals =
    digits === 1
      ? String(fraction)
      : digits === 2
        ? (CENTS[fraction] as string)
        : String(fraction).padStart(digits, '0');
  return units < 0 ? `-${whole}.${decimals}` : `${whole}.${decimals}`;
}

function bigResult(value: Big): string {
  return value.eq(0) ? '0' : value.toFixed();
}

export function difference(minuend: string, subtrahend: string): string {
  if (readScaled(minuend)) {
    const leftUnits = read.units;
    const leftScale = read.scale;
    if (readScaled(subtrahend)) {
      const scale = leftScale > read.scale ? leftScale : read.scale;
      const a = leftUnits * (POWERS[scale - leftScale] as number);
      const b = read.units * (POWERS[scale - read.scale] as number);
      const result = a - b;
      if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(result)) {
        return fromScaled(result, scale);
      }
    }
  }
  return bigResult(new Big(minuend).minus(subtrahend));
}

export function product(left: string, right: string): string {
  if (readScaled(left)) {
    const leftUnits = read.units;
    const leftScale = read.scale;
    if (readScaled(right)) {
      const result = leftUnits * read.units;
      if (Number.isSafeInteger(result)) return fromScaled(result, leftScale + read.scale);
    }
  }
  return bigResult(new Big(left).times(right));
}

export function sum(values: readonly string[]): string {
  let total = new Big(0);
  for (const value of values) total = total.plus(value);
  return bigResult(total);
}

/** Null-tolerant helpers: a missing operand makes a missing result, never a made-up zero. */
export function optionalDifference(minuend: string | null, subtrahend: string | null): string | null {
  return minuend === null || subtrahend === null ? null : difference(minuend, subtrahend);
}

export function optionalProduct(left: string | null, right: string | null): string | null {
  return left === null || right === null ? null : product(left, right);
}
