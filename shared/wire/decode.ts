import type * as z from 'zod';
import { MalformedResponse } from '../errors.ts';
import { type Check, compileCheck } from './check.ts';
import { parseJson, parseJsonExact } from './json.ts';
import { createXmlReader, InvalidXml } from './xml.ts';

export type BodyFormat = 'json' | 'xml';

/** How a body's XML flavour is read; a JSON-only body needs none of it. */
export interface XmlShape {
  /** Element paths (`response.items.invoice`) that are lists even with a single element. */
  xmlLists?: readonly string[];
  /**
   * Turns the parsed XML document into the JSON flavour's shape (the XML flavour wraps the same
   * content in a root element). Return `undefined` when the expected root is missing.
   */
  fromXml?: (document: Record<string, unknown>) => unknown;
}

/** One record of a provider, as its wire schema checks it. */
export interface RecordFormat<R> extends XmlShape {
  schema: z.ZodType<R>;
  /** Finds the record in a single-record body (packcloud may wrap it as `{"data": {…}}`). */
  unwrap?: (document: unknown) => unknown;
  /** The record's own id field, read before the record is checked (to name a refused record). */
  remoteIdOf: (record: Record<string, unknown>) => unknown;
}

export interface RecordList {
  path: string;
  items: readonly unknown[];
}

/**
 * A page of records: its envelope is checked as a whole, its records one by one. The envelope
 * schema declares the list of records as `wireRecords`, so checking the envelope never reads them.
 */
export interface PageFormat<E, R> extends XmlShape {
  envelope: z.ZodType<E>;
  /** The records, and their path in the body for messages ("items", "items.invoice"; "body" for a bare list). */
  records(envelope: E): RecordList;
  record: RecordFormat<R>;
}

/** JSON or XML by Content-Type; without one, by the first character of the body. */
export function bodyFormat(contentType: string | null | undefined, body: string): BodyFormat {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('xml')) return 'xml';
  if (type.includes('json')) return 'json';
  return body.trimStart().startsWith('<') ? 'xml' : 'json';
}

/**
 * A parsed body. JSON is parsed with plain `JSON.parse`; when a number turns out to have more
 * digits than a double holds (`PrecisionLost` while normalizing), `exact()` parses the same text
 * again keeping every number's source text (once, and only then: it is about six times slower).
 */
export interface ParsedBody {
  document: unknown;
  /** The same body with numbers as their source text; null for XML (all text already). */
  exact: (() => unknown) | null;
}

/**
 * Parses a provider body. Every failure is a `MalformedResponse` whose detail says what was wrong,
 * never what the body contained (bodies hold personal data).
 */
export function parseBody(
  provider: string,
  shape: XmlShape,
  body: string,
  contentType: string | null | undefined,
): ParsedBody {
  if (bodyFormat(contentType, body) === 'xml')
    return { document: readXml(provider, shape, body), exact: null };
  let document: unknown;
  try {
    document = parseJson(body);
  } catch {
    throw new MalformedResponse(provider, 'body is not valid JSON');
  }
  let exact: unknown;
  return { document, exact: () => (exact ??= parseJsonExact(body)) };
}

const xmlReaders = new WeakMap<XmlShape, (text: string) => unknown>();

function readXml(provider: string, shape: XmlShape, body: string): unknown {
  let read = xmlReaders.get(shape);
  if (read === undefined) {
    read = createXmlReader(shape.xmlLists ?? []);
    xmlReaders.set(shape, read);
  }
  let document: unknown;
  try {
    document = read(body);
  } catch (error: unknown) {
    throw new MalformedResponse(
      provider,
      error instanceof InvalidXml ? error.message : 'body is not readable XML',
    );
  }
  const unwrapped = shape.fromXml ? shape.fromXml(document as Record<string, unknown>) : document;
  if (unwrapped === undefined)
    throw new MalformedResponse(provider, 'XML body lacks the expected root element');
  return unwrapped;
}

/** Parses a body and checks its envelope only (for error answers, whose records do not matter). */
export function readEnvelope<E>(
  provider: string,
  format: PageFormat<E, unknown>,
  body: string,
  contentType: string | null | undefined,
): E {
  return validate(provider, format.envelope, parseBody(provider, format, body, contentType).document);
}

/** Checks a value against a schema that transforms nothing; a refusal names the field, not the value. */
export function validate<T>(provider: string, schema: z.ZodType<T>, value: unknown, root = 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new MalformedResponse(provider, describeIssues(result.error.issues, root));
}

/**
 * Checks one record: the compiled predicate first (no allocation), zod itself for the issues when
 * the predicate refuses (describe them with `describeIssues`, which names paths, never values).
 */
export function checkRecord<R>(
  format: RecordFormat<R>,
  value: unknown,
): { ok: true; record: R } | { ok: false; issues: readonly Issue[] } {
  if (recordCheck(format)(value)) return { ok: true, record: value as R };
  const result = format.schema.safeParse(value);
  // zod is the judge: if it accepts what the predicate refused, its answer stands.
  if (result.success) return { ok: true, record: result.data };
  return { ok: false, issues: result.error.issues };
}

/**
 * Parses a body and checks it as the adapters do, without normalizing (what validation alone
 * costs, for bench/normalize): the envelope as a whole, then every record. Answers how many
 * records passed.
 */
export function checkBody(
  provider: string,
  format: PageFormat<unknown, unknown> | RecordFormat<unknown>,
  body: string,
  contentType: string | null | undefined,
): number {
  const { document } = parseBody(provider, format, body, contentType);
  if (!('envelope' in format)) {
    return checkRecord(format, format.unwrap ? format.unwrap(document) : document).ok ? 1 : 0;
  }
  const check = recordCheck(format.record);
  let passed = 0;
  for (const record of format.records(validate(provider, format.envelope, document)).items) {
    if (check(record) || checkRecord(format.record, record).ok) passed++;
  }
  return passed;
}

const checks = new WeakMap<RecordFormat<unknown>, Check>();

/** The compiled predicate of a record format (compiled once per format). */
export function recordCheck<R>(format: RecordFormat<R>): Check {
  const key = format as RecordFormat<unknown>;
  let check = checks.get(key);
  if (check === undefined) {
    check = compileCheck(format.schema);
    checks.set(key, check);
  }
  return check;
}

export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<readonly Issue[]>;
}

/** At most three issues, as `path: reason`; a union's refusal is told by the branch that got furthest. */
export function describeIssues(issues: readonly Issue[], root = 'body'): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const { path, message } = closest(issue);
    return `${describePath(path, root)}: ${message}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function closest(issue: Issue): { path: readonly PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union' || issue.errors === undefined) return issue;
  let best: { path: readonly PropertyKey[]; message: string } = issue;
  let depth = 0;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined || first.path.length <= depth) continue;
    const inner = closest(first);
    best = { path: [...issue.path, ...inner.path], message: inner.message };
    depth = first.path.length;
  }
  return best;
}

/** `items.invoice[0].status`; the body's root is "body" unless another root is given. */
export function describePath(path: readonly PropertyKey[], root = 'body'): string {
  let text = root;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? 'record' : text;
}
