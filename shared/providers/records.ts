import { MalformedResponse } from '../errors.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { Check } from '../wire/check.ts';
import {
  checkRecord,
  describeIssues,
  type PageFormat,
  type ParsedBody,
  parseBody,
  type RecordFormat,
  recordCheck,
  validate,
} from '../wire/decode.ts';
import { PrecisionLost } from '../wire/fields.ts';
import { exactNumberText } from '../wire/json.ts';
import { rawRefusal } from '../wire/raw.ts';
import { FieldError } from './normalization.ts';
import type { NormalizationContext, ProviderRecords, QuarantinedRecord } from './provider.ts';

/**
 * Reading provider responses record by record. A page's envelope (its list, its paging fields) is
 * checked as a whole and fails the page; each record is checked and normalized on its own, and a
 * record that fails either is quarantined: skipped, and reported by position and reason, never by
 * value. A single-invoice read of a bad record is a `MalformedResponse` naming the record.
 */

/** What the reader needs to know of the adapter it reads for. */
export interface RecordSource {
  provider: string;
  /** The adapter's `idPatterns.invoice`: a quarantined record's id is reported only if it matches. */
  invoiceId: RegExp;
  /** Records one response may hold when the connection sets no limit (`defaultMaxRecords`). */
  maxRecords: number;
}

/** Turns one checked record into an invoice; may throw `FieldError` or `PrecisionLost`. */
export type Normalize<R> = (record: R, index: number) => Invoice;

/**
 * Why a record was refused, told below a root: '' for a quarantine reason ("totalPrice: …"), the
 * record's position for a malformed-response detail ("items[3].totalPrice: …", "body.totalPrice: …").
 */
class RecordRefused extends Error {
  readonly describe: (root: string) => string;
  constructor(describe: (root: string) => string) {
    super('record refused');
    this.describe = describe;
  }

  static of(reason: string): RecordRefused {
    return new RecordRefused((root) => `${root === '' ? 'record' : root}: ${reason}`);
  }
}

function below(root: string, field: string): string {
  if (root === '') return field;
  return field.startsWith('[') ? `${root}${field}` : `${root}.${field}`;
}

/** A page whose envelope has been read; its records are read on demand. */
export class PageRecords<E, R> {
  readonly envelope: E;
  readonly #source: RecordSource;
  readonly #format: PageFormat<E, R>;
  readonly #records: readonly unknown[];
  readonly #path: string;
  readonly #exact: (() => readonly unknown[]) | null;
  readonly #context: NormalizationContext;
  readonly #check: Check;

  constructor(
    source: RecordSource,
    format: PageFormat<E, R>,
    envelope: E,
    exact: (() => readonly unknown[]) | null,
    context: NormalizationContext,
  ) {
    this.envelope = envelope;
    this.#source = source;
    this.#format = format;
    const list = format.records(envelope);
    this.#records = list.items;
    this.#path = list.path;
    this.#exact = exact;
    this.#context = context;
    this.#check = recordCheck(format.record);
    const limit = context.maxRecords ?? source.maxRecords;
    if (this.#records.length > limit) {
      throw new MalformedResponse(
        source.provider,
        `${list.path}: ${list.items.length} records, more than the ${limit} one response may hold`,
      );
    }
  }

  get count(): number {
    return this.#records.length;
  }

  /** Record `index` as sent, unchecked (for choosing records by a field before reading them). */
  unchecked(index: number): unknown {
    return this.#records[index];
  }

  /** Record `index`'s id when it can be read unchecked and has the provider's shape, else null. */
  remoteIdAt(index: number): string | null {
    return remoteIdOf(this.#source, this.#format.record, this.#records[index]);
  }

  position(index: number): string {
    return `${this.#path}[${index}]`;
  }

  /** Normalizes records [from, to) (all by default), quarantining the ones that cannot be read. */
  readRange(normalize: Normalize<R>, from = 0, to = this.#records.length): ProviderRecords {
    const invoices: Invoice[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (let index = from; index < to; index++) this.#readInto(index, normalize, invoices, quarantined);
    return { invoices, quarantined };
  }

  /** Normalizes the records at these indexes, quarantining the ones that cannot be read. */
  readIndexes(normalize: Normalize<R>, indexes: readonly number[]): ProviderRecords {
    const invoices: Invoice[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (const index of indexes) this.#readInto(index, normalize, invoices, quarantined);
    return { invoices, quarantined };
  }

  /** One record as the answer to a single-invoice read: a bad record is a `MalformedResponse`. */
  readOne<T>(normalize: (record: R, index: number) => T, index: number): T {
    try {
      return this.#read(index, normalize);
    } catch (error: unknown) {
      if (error instanceof RecordRefused)
        throw new MalformedResponse(this.#source.provider, error.describe(this.position(index)));
      throw error;
    }
  }

  /** Every record, when all must be read (the lines of one invoice): a bad one fails the response. */
  readEvery<T>(normalize: (record: R, index: number) => T): T[] {
    const items = new Array<T>(this.#records.length);
    for (let index = 0; index < items.length; index++) items[index] = this.readOne(normalize, index);
    return items;
  }

  #readInto(index: number, normalize: Normalize<R>, invoices: Invoice[], quarantined: QuarantinedRecord[]) {
    try {
      invoices.push(this.#read(index, normalize));
    } catch (error: unknown) {
      if (!(error instanceof RecordRefused)) throw error;
      quarantined.push({
        position: this.position(index),
        remoteId: this.remoteIdAt(index),
        reason: error.describe(''),
      });
    }
  }

  #read<T>(index: number, normalize: (record: R, index: number) => T): T {
    const { record } = this.#format;
    const { includeRaw } = this.#context;
    try {
      return readRecord(this.#check, record, this.#records[index], includeRaw, normalize, index);
    } catch (error: unknown) {
      if (!(error instanceof PrecisionLost)) throw error;
      if (this.#exact === null) throw RecordRefused.of('holds a number that cannot be read exactly');
      return readRecord(this.#check, record, this.#exact()[index], includeRaw, normalize, index);
    }
  }
}

/**
 * Reads a page: parses the body, checks the envelope, counts the records, and hands the page to
 * `use`. If `use` meets a number a double cannot hold outside any record (a paging field), the
 * page is read again from the body parsed exactly.
 */
export function readPage<E, R, T>(
  source: RecordSource,
  format: PageFormat<E, R>,
  body: string,
  contentType: string | null | undefined,
  context: NormalizationContext,
  use: (page: PageRecords<E, R>) => T,
): T {
  const parsed = parseBody(source.provider, format, body, contentType);
  const exactRecords = exactRecordsOf(source, format, parsed);
  try {
    return use(
      new PageRecords(
        source,
        format,
        validate(source.provider, format.envelope, parsed.document),
        exactRecords,
        context,
      ),
    );
  } catch (error: unknown) {
    if (!(error instanceof PrecisionLost) || parsed.exact === null) throw error;
    const exact = parsed.exact();
    return use(
      new PageRecords(source, format, validate(source.provider, format.envelope, exact), null, context),
    );
  }
}

function exactRecordsOf<E, R>(
  source: RecordSource,
  format: PageFormat<E, R>,
  parsed: ParsedBody,
): (() => readonly unknown[]) | null {
  const { exact } = parsed;
  if (exact === null) return null;
  let records: readonly unknown[] | undefined;
  return () => (records ??= format.records(validate(source.provider, format.envelope, exact())).items);
}

/** Reads a body that is one record (a single-invoice read): a bad record is a `MalformedResponse`. */
export function readSingle<R>(
  source: RecordSource,
  format: RecordFormat<R>,
  body: string,
  contentType: string | null | undefined,
  context: NormalizationContext,
  normalize: (record: R, index: number) => Invoice,
): Invoice {
  const parsed = parseBody(source.provider, format, body, contentType);
  const unwrap = format.unwrap ?? ((document: unknown) => document);
  const check = recordCheck(format);
  const read = (document: unknown) =>
    readRecord(check, format, unwrap(document), context.includeRaw, normalize, 0);
  try {
    try {
      return read(parsed.document);
    } catch (error: unknown) {
      if (!(error instanceof PrecisionLost) || parsed.exact === null) throw error;
      return read(parsed.exact());
    }
  } catch (error: unknown) {
    if (error instanceof RecordRefused) throw new MalformedResponse(source.provider, error.describe('body'));
    throw error;
  }
}

/** Checks one record, bounds its `raw`, and normalizes it; any refusal is a `RecordRefused`. */
function readRecord<R, T>(
  check: Check,
  format: RecordFormat<R>,
  value: unknown,
  includeRaw: boolean,
  normalize: (record: R, index: number) => T,
  index: number,
): T {
  let record: R;
  if (check(value)) record = value as R;
  else {
    // The predicate refused: zod names the issues (and would have the last word if it accepted).
    const checked = checkRecord(format, value);
    if (!checked.ok) {
      const { issues } = checked;
      throw new RecordRefused((root) => describeIssues(issues, root));
    }
    record = checked.record;
  }
  if (includeRaw) {
    const tooBig = rawRefusal(value);
    if (tooBig !== null) throw RecordRefused.of(`cannot be carried as raw: ${tooBig}`);
  }
  try {
    return normalize(record, index);
  } catch (error: unknown) {
    if (error instanceof FieldError) {
      const { field, message } = error;
      throw new RecordRefused((root) => `${below(root, field)}: ${message}`);
    }
    throw error;
  }
}

/** The record's id, when it can be read without trusting the record and has the provider's shape. */
function remoteIdOf<R>(source: RecordSource, format: RecordFormat<R>, record: unknown): string | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const id = format.remoteIdOf(record as Record<string, unknown>);
  const text = typeof id === 'string' ? id : typeof id === 'number' ? exactNumberText(id) : null;
  return text !== null && source.invoiceId.test(text) ? text : null;
}
