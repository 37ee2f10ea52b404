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

const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const SMALL = /^(-?)(\d{1,15})(?:\.(\d{1,6}))?$/;

/** Canonical decimal text: plain notation, no trailing zeros, no negative zero ("5.0" → "5"). */
export function decimal(text: string): string {
  if (CANONICAL.test(text) && text !== '-0') return text;
  const value = new Big(text);
  return value.eq(0) ? '0' : value.toFixed();
}

/** `[units, scale]` with value = units × 10^-scale, when that is exact in a double. */
function scaled(text: string): [number, number] | null {
  const match = SMALL.exec(text);
  if (match === null) return null;
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (whole.length + fraction.length > 15) return null;
  const units = Number(whole + fraction);
  return [match[1] === '-' ? -units : units, fraction.length];
}

function fromScaled(units: number, scale: number): string {
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  let text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  if (scale > 0) text = text.replace(/\.?0+$/, '');
  return units < 0 && text !== '0' ? `-${text}` : text;
}

function bigResult(value: Big): string {
  return value.eq(0) ? '0' : value.toFixed();
}

export function difference(minuend: string, subtrahend: string): string {
  const left = scaled(minuend);
  const right = scaled(subtrahend);
  if (left !== null && right !== null) {
    const scale = Math.max(left[1], right[1]);
    const a = left[0] * 10 ** (scale - left[1]);
    const b = right[0] * 10 ** (scale - right[1]);
    const result = a - b;
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(result)) {
      return fromScaled(result, scale);
    }
  }
  return bigResult(new Big(minuend).minus(subtrahend));
}

export function product(left: string, right: string): string {
  const a = scaled(left);
  const b = scaled(right);
  if (a !== null && b !== null) {
    const result = a[0] * b[0];
    if (Number.isSafeInteger(result)) return fromScaled(result, a[1] + b[1]);
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
