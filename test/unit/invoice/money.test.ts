import { describe, expect, test } from 'vitest';
import {
  decimal,
  difference,
  optionalDifference,
  optionalProduct,
  product,
  sum,
} from '../../../shared/invoice/money.ts';

describe('money', () => {
  test('subtracts without binary-float error: 36.3 incl. and 30 excl. give tax 6.3', () => {
    expect(difference('36.3', '30')).toBe('6.3');
    expect(36.3 - 30).not.toBe(6.3); // the trap this module exists for
  });

  test.each([
    ['0.3', '0.1', '0.2'],
    ['1.15', '1', '0.15'],
    ['5', '6', '-1'],
    ['100.10', '100.1', '0'],
  ])('%s - %s is %s', (a, b, expected) => {
    expect(difference(a, b)).toBe(expected);
  });

  test('multiplies quantities by prices exactly', () => {
    expect(product('0.1', '3')).toBe('0.3');
    expect(product('55', '77')).toBe('4235');
    expect(product('1.005', '1000')).toBe('1005');
  });

  test('sums exactly', () => {
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(sum([])).toBe('0');
  });

  test('canonical text drops trailing zeros, exponents and negative zero', () => {
    expect(decimal('5.0')).toBe('5');
    expect(decimal('00012.50')).toBe('12.5');
    expect(decimal('1e-7')).toBe('0.0000001');
    expect(decimal('7e10')).toBe('70000000000');
    expect(decimal('-0')).toBe('0');
    expect(decimal('-0.00')).toBe('0');
  });

  test('a missing operand gives a missing result, not a made-up zero', () => {
    expect(optionalDifference(null, '1')).toBeNull();
    expect(optionalDifference('2', null)).toBeNull();
    expect(optionalProduct(null, '1')).toBeNull();
    expect(optionalProduct('2', '1.5')).toBe('3');
  });
});
