import * as z from 'zod';
import { decimal } from '../invoice/money.ts';
import { exactNumberText } from './json.ts';

/**
 * Zod types for provider wire fields, accepting the JSON and the XML flavour of the same body:
 * XML gives every value as text, JSON gives numbers and booleans. The schemas only check; they
 * transform nothing, and the `read…` functions below turn a checked value into text when an
 * adapter normalizes it, so ids and money keep every digit and never pass through float arithmetic.
 *
 * Each field is one `z.custom` over a plain predicate rather than a union of zod types: a union
 * runs every branch and collects each branch's issues, which costs more than parsing the body, and
 * a predicate is also what `compileCheck` (check.ts) runs on the fast path, so both paths share it.
 *
 * Provider objects are `z.looseObject`: a field the schema does not name is kept, so that `raw` is
 * the provider's record as sent.
 */

// The exponent is bounded: `1e300000000` would make the decimal library write out every digit.
const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][+-]?\d{1,3})?\s*$/;
const BOOLEAN = /^\s*(true|false)\s*$/i;

/** What zod's `z.number()` accepts: JSON reads `1e400` as Infinity, which is no amount. */
function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isBlank(value: unknown): value is null | '' {
  return value === null || value === '';
}

export function isIdValue(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length > 0) || isNumber(value);
}

function isOptionalIdValue(value: unknown): value is string | number | null {
  return typeof value === 'string' || value === null || isNumber(value);
}

function isTextValue(value: unknown): value is string | null {
  return typeof value === 'string' || value === null;
}

function isDecimalValue(value: unknown): value is string | number {
  return isNumber(value) || (typeof value === 'string' && (isPlainDecimal(value) || NUMERIC.test(value)));
}

/**
 * `-?\d+(\.\d+)?` by character, the form nearly every amount has: a subset of NUMERIC that
 * needs no regular expression (which costs more than the rest of reading the field).
 */
function isPlainDecimal(text: string): boolean {
  const length = text.length;
  let index = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const start = index;
  while (index < length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index++;
  if (index === start) return false;
  if (index === length) return true;
  if (text.charCodeAt(index) !== 46 /* . */) return false;
  const fraction = ++index;
  while (index < length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index++;
  return index === length && index > fraction;
}

function isOptionalDecimalValue(value: unknown): value is string | number | null {
  return isBlank(value) || isDecimalValue(value);
}

function isFlagValue(value: unknown): value is boolean | string {
  return typeof value === 'boolean' || (typeof value === 'string' && BOOLEAN.test(value));
}

function isOptionalFlagValue(value: unknown): value is boolean | string | null {
  return isBlank(value) || isFlagValue(value);
}

/** A plain object, as zod's object schemas define one (not null, not an array). */
export function isRecordValue(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wireValue<T>(check: (value: unknown) => value is T, error: string) {
  return z.custom<T>(check, { error });
}

/** A required identifier: text, or a JSON number. */
export const wireId = wireValue(isIdValue, 'must be a non-empty string or a number');

/** An optional identifier (orders-api OrderId, CurrencyId): text, number, null or absent. */
export const wireOptionalId = wireValue(isOptionalIdValue, 'must be a string, a number or null').optional();

/** Optional text: missing, null and the empty XML element all read as null. */
export const wireText = wireValue(isTextValue, 'must be a string or null').optional();

/** A decimal number: a JSON number or numeric text. */
export const wireDecimal = wireValue(isDecimalValue, 'must be a decimal number');

export const wireOptionalDecimal = wireValue(
  isOptionalDecimalValue,
  'must be a decimal number or null',
).optional();

/** A boolean: JSON true/false or XML "true"/"false". */
export const wireFlag = wireValue(isFlagValue, 'must be true or false');

export const wireOptionalFlag = wireValue(isOptionalFlagValue, 'must be true, false or null').optional();

/**
 * A list inside a record: absent, null and the empty XML element read as []. (Lists of records are
 * `wireRecords`: their items are checked one by one, so that one bad record does not fail the page.)
 */
export function wireList<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), z.null(), z.literal('')]).optional();
}

/**
 * The list of records in a page, left unread: an array, or what XML makes of one (absent, the
 * empty element, or a single element standing alone). `readRecords` turns it into an array.
 */
export const wireRecords = wireValue(
  (value: unknown): value is unknown => value === undefined || isBlank(value) || typeof value === 'object',
  'must be a list of records',
);

/** The records of a `wireRecords` field, as an array. */
export function readRecords(value: unknown): readonly unknown[] {
  if (value === undefined || isBlank(value)) return [];
  return Array.isArray(value) ? value : [value];
}

/** The items of a `wireList` field, as an array. */
export function readList<T>(value: readonly T[] | null | '' | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Thrown while normalizing when a JSON number has more digits than a double holds; the decoder
 * then reads the record again from the body parsed with every number's source text (see `json.ts`).
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
  if (typeof value === 'number') {
    // A safe integer prints canonically; a short fraction too, unless it prints with an exponent.
    if (Number.isSafeInteger(value)) return String(value);
    const text = numberText(value);
    return text.includes('e') ? decimal(text) : text;
  }
  return decimal(value.trim());
}

export function readOptionalDecimal(value: string | number | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : readDecimal(value);
}

export function readFlag(value: boolean | string | null | undefined): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'boolean' ? value : value.trim().toLowerCase() === 'true';
}
