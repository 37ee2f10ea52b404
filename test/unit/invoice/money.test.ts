import Big from 'big.js';
import fc from 'fast-check';
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

describe('the fast paths give what big.js gives', () => {
  const decimalText = fc
    .oneof(
      fc.tuple(fc.boolean(), fc.stringMatching(/^\d{1,9}$/), fc.stringMatching(/^(\.\d{1,7})?$/)),
      fc.tuple(
        fc.boolean(),
        fc.stringMatching(/^0{0,3}\d{0,16}$/),
        fc.stringMatching(/^(\.\d{0,3}0{0,3})?$/),
      ),
    )
    .map(
      ([negative, whole, fraction]) =>
        `${negative ? '-' : ''}${whole === '' ? '0' : whole}${fraction === '.' ? '' : fraction}`,
    );

  const big = (value: Big) => (value.eq(0) ? '0' : value.toFixed());

  test('canonical text, differences and products', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        expect(decimal(a)).toBe(big(new Big(a)));
        expect(difference(a, b)).toBe(big(new Big(a).minus(b)));
        expect(product(a, b)).toBe(big(new Big(a).times(b)));
      }),
      { numRuns: 5000 },
    );
  });
});
